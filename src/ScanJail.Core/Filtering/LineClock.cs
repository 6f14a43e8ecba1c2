using ScanJail.Core.Time;
using System.Runtime.CompilerServices;

namespace ScanJail.Core.Filtering;

/// <summary>A filter's way to read a line's time: its date pattern if it has one, otherwise automatic detection; the reading time when the line has no stamp.</summary>
internal sealed class LineClock(DatePattern? pattern, TimeZoneInfo zone)
{
    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public DateTimeOffset TimeOf(ReadOnlySpan<char> line, DateTimeOffset now)
    {
        var found = pattern is null
            ? TimestampFinder.TryFind(line, now, zone, out var time)
            : pattern.TryRead(line, now, zone, out time);
        return found ? time : now;
    }
}
