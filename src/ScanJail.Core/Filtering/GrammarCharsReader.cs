namespace ScanJail.Core.Filtering;

/// <summary>Reads a line given as characters: true with the grammar's answer, false when only the string form can tell.</summary>
public delegate bool GrammarCharsReader(ReadOnlySpan<char> line, out GrammarMatch? match);
