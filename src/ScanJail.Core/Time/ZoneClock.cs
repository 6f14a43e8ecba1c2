using System.Runtime.CompilerServices;

namespace ScanJail.Core.Time;

/// <summary>
/// Turns the fields of a time stamp into an instant: a stamp without an offset is read in the
/// filter's zone, and a stamp without a year gets the year that puts it at or before the reading
/// time (a line is not written more than two days in the future; anything later is last year's).
/// </summary>
internal static class ZoneClock
{
    private static readonly TimeSpan FutureSlack = TimeSpan.FromDays(2);

    /// <summary>An instant from wall-clock fields read in <paramref name="zone"/>; false when a field is out of range.</summary>
    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryLocal(int year, int month, int day, int hour, int minute, int second, long fractionTicks, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        if (!TryDateTime(year, month, day, hour, minute, second, fractionTicks, out var local))
        {
            return false;
        }
        var offset = zone.GetUtcOffset(local);
        return TryOffset(local, offset, out time);
    }

    /// <summary>An instant from wall-clock fields with an explicit UTC offset.</summary>
    public static bool TryWithOffset(int year, int month, int day, int hour, int minute, int second, long fractionTicks, TimeSpan offset, out DateTimeOffset time)
    {
        time = default;
        return TryDateTime(year, month, day, hour, minute, second, fractionTicks, out var local) && TryOffset(local, offset, out time);
    }

    /// <summary>A year-less stamp: this year in the zone, or the last year it existed if this year's is too far ahead of <paramref name="now"/>.</summary>
    /// <remarks>
    /// The answer for the last fields asked on this thread is kept: a log's lines come many to a second and are read
    /// with one reading time per read, so most lines ask again what the line before asked (the zone conversions were
    /// a thirtieth of a file source's reading thread). Same fields, zone and reading time: same answer
    /// (<see cref="ComputeYearless"/> is the definition; ZoneClockTests).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryYearless(int month, int day, int hour, int minute, int second, long fractionTicks, TimeZoneInfo zone, DateTimeOffset now, out DateTimeOffset time)
    {
        var last = _lastYearless ??= new YearlessAnswer();
        if (last.Zone == zone && last.Month == month && last.Day == day && last.Hour == hour && last.Minute == minute && last.Second == second
            && last.Fraction == fractionTicks && last.Now.EqualsExact(now))
        {
            time = last.Time;
            return last.Found;
        }
        var found = ComputeYearless(month, day, hour, minute, second, fractionTicks, zone, now, out time);
        (last.Zone, last.Month, last.Day, last.Hour, last.Minute, last.Second, last.Fraction, last.Now, last.Found, last.Time) =
            (zone, month, day, hour, minute, second, fractionTicks, now, found, time);
        return found;
    }

    /// <summary><see cref="TryYearless"/> worked out, without the last answer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool ComputeYearless(int month, int day, int hour, int minute, int second, long fractionTicks, TimeZoneInfo zone, DateTimeOffset now, out DateTimeOffset time)
    {
        time = default;
        if (month is < 1 or > 12 || day is < 1 or > 31)
        {
            return false;
        }
        var year = TimeZoneInfo.ConvertTime(now, zone).Year;
        if (TryLocal(year, month, day, hour, minute, second, fractionTicks, zone, out time) && time <= now + FutureSlack)
        {
            return true;
        }
        // Last year's; 29 February exists only in leap years, so walk back to the last one (2100 is not leap).
        for (var candidate = year - 1; candidate >= year - 8; candidate--)
        {
            if (TryLocal(candidate, month, day, hour, minute, second, fractionTicks, zone, out time))
            {
                return true;
            }
        }
        time = default;
        return false;
    }

    [ThreadStatic]
    private static YearlessAnswer? _lastYearless;

    // The last question TryYearless was asked on this thread and its answer (Zone null: none yet).
    private sealed class YearlessAnswer
    {
        public TimeZoneInfo? Zone;
        public int Month;
        public int Day;
        public int Hour;
        public int Minute;
        public int Second;
        public long Fraction;
        public DateTimeOffset Now;
        public bool Found;
        public DateTimeOffset Time;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryDateTime(int year, int month, int day, int hour, int minute, int second, long fractionTicks, out DateTime value)
    {
        value = default;
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 60 || fractionTicks is < 0 or >= TimeSpan.TicksPerSecond)
        {
            return false;
        }
        // A leap second (:60) is read as the last tick of :59 rather than rejected.
        if (second == 60)
        {
            second = 59;
            fractionTicks = TimeSpan.TicksPerSecond - 1;
        }
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryOffset(DateTime local, TimeSpan offset, out DateTimeOffset time)
    {
        time = default;
        if (offset.Ticks % TimeSpan.TicksPerMinute != 0 || offset > TimeSpan.FromHours(14) || offset < TimeSpan.FromHours(-14))
        {
            return false;
        }
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        time = new DateTimeOffset(local, offset);
        return true;
    }
}
