namespace ScanJail.Client;

/// <summary>An option of a command: <c>--time DURATION</c>, or a flag (<c>--all</c>) when it has no value name.</summary>
public sealed record OptionSyntax(string Name, string? ValueName, string Description);
