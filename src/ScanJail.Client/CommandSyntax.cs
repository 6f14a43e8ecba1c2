namespace ScanJail.Client;

/// <summary>What a command takes, for the parser and for its help alike.</summary>
public sealed record CommandSyntax(string Name, string Description, IReadOnlyList<ArgumentSyntax> Arguments, IReadOnlyList<OptionSyntax> Options);
