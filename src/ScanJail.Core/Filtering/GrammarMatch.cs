namespace ScanJail.Core.Filtering;

/// <summary>What a grammar read from one line: the host text (not yet parsed as an address) and named fields.</summary>
public sealed record GrammarMatch(string Host, IReadOnlyDictionary<string, string> Fields);
