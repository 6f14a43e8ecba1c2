using System.Buffers;

namespace ScanJail.Core.Filtering;

/// <summary>
/// The cheap first gate: a line that contains none of the filter's literal strings (ordinal) never
/// reaches a regex or grammar. No literals means every line passes.
/// </summary>
internal sealed class LinePrecheck
{
    private readonly SearchValues<string>? _literals;

    public LinePrecheck(IReadOnlyList<string> literals)
    {
        var usable = literals.Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        _literals = usable.Length == 0 ? null : SearchValues.Create(usable, StringComparison.Ordinal);
        Literals = usable.Length == 0 ? null : usable;
    }

    /// <summary>The literals a line must contain one of; null when every line passes.</summary>
    public IReadOnlyList<string>? Literals { get; }

    public bool Passes(ReadOnlySpan<char> line) => _literals is null || line.IndexOfAny(_literals) >= 0;
}
