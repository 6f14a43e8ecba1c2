namespace ScanJail.Core.Filtering;

/// <summary>
/// A named grammar for filters of kind <c>grammar</c>: reads a whole log line (attacker text) into a
/// host and fields, or returns null. Must be thread-safe and must never throw.
/// </summary>
public sealed record LineGrammar(string Name, Func<string, GrammarMatch?> Read);
