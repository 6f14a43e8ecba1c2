using System.Runtime.CompilerServices;

namespace ScanJail.Core.Filtering;

/// <summary>
/// The regex timeout is wall-clock time: under load a GC pause or a descheduled thread made an
/// ordinary line time out, and a failure was lost (seen once or a few times in a million lines).
/// A second try tells the two apart: a stall seldom hits the same line twice, while a line that
/// really backtracks times out again, so it costs at most two timeouts.
/// </summary>
internal static class TimeoutRetry
{
    /// <summary>
    /// Runs <paramref name="tryMatch"/> (null when a regex timed out) and once more after a timeout;
    /// a second timeout is counted and the line missed. A static lambda keeps the hot path free of allocations.
    /// </summary>
    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static FilterResult Match<TFilter>(TFilter filter, string line, DateTimeOffset now, Func<TFilter, string, DateTimeOffset, FilterResult?> tryMatch)
    {
        if ((tryMatch(filter, line, now) ?? tryMatch(filter, line, now)) is { } result)
        {
            return result;
        }
        FilterCounters.RegexTimeouts.Increment();
        return FilterResult.Missed;
    }
}
