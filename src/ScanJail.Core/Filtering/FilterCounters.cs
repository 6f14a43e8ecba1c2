using ScanJail.Core.Diagnostics;

namespace ScanJail.Core.Filtering;

/// <summary>Process-wide filter counts for <c>stats</c>.</summary>
public static class FilterCounters
{
    /// <summary>Regex matches that ran past their time limit; each such line counted as missed.</summary>
    public static Counter RegexTimeouts { get; } = new();
}
