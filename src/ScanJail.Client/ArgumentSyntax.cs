namespace ScanJail.Client;

/// <summary>An argument of a command, by position: <c>JAIL</c>, <c>ADDR</c>.</summary>
public sealed record ArgumentSyntax(string Name, string Description, bool Required);
