namespace ScanJail.Core.Filtering;

/// <summary>
/// A named grammar for filters of kind <c>grammar</c>: reads a whole log line (attacker text) into a
/// host and fields, or returns null. Must be thread-safe and must never throw.
/// <paramref name="ReadChars"/>, when set, gives <paramref name="Read"/>'s answer for the line's characters
/// (true) or says only the string can tell (false).
/// </summary>
public sealed record LineGrammar(string Name, Func<string, GrammarMatch?> Read, GrammarCharsReader? ReadChars = null);
