using ScanJail.Core.Time;

namespace ScanJail.Core.Filtering;

/// <summary>A filter's way to read a line's time: its date pattern if it has one, otherwise automatic detection; the reading time when the line has no stamp.</summary>
internal sealed class LineClock(DatePattern? pattern, TimeZoneInfo zone)
{
    public DateTimeOffset TimeOf(ReadOnlySpan<char> line, DateTimeOffset now)
    {
        var found = pattern is null
            ? TimestampFinder.TryFind(line, now, zone, out var time)
            : pattern.TryRead(line, now, zone, out time);
        return found ? time : now;
    }
}
