using System.Runtime.CompilerServices;

namespace ScanJail.Core.Time;

/// <summary>
/// Finds a line's time stamp without being told its format, looking only near the start of the
/// line (before the message, which is attacker text):
/// <list type="bullet">
/// <item>epoch seconds at the very start, with an optional fraction (<c>1795238480 - ...</c>, <c>1795238480.25 ...</c>);</item>
/// <item>RFC 3339 / RFC 5424 and ISO 8601 (<c>2026-11-21T05:20:19.346316+00:00</c>, <c>2026-11-21 10:00:01</c>);</item>
/// <item>RFC 3164 (<c>Nov 21 10:00:01</c>, <c>Nov  1 10:00:01</c>, <c>Nov 21 2026 10:00:01</c>, ctime's <c>Sat Nov 21 10:00:01 2026</c>).</item>
/// </list>
/// Span-based and allocation-free: this runs for every matched line. Never throws.
/// </summary>
public static class TimestampFinder
{
    /// <summary>A stamp must start within this many characters of the line's start.</summary>
    public const int SearchWindow = 40;

    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryFind(ReadOnlySpan<char> line, DateTimeOffset now, TimeZoneInfo zone, out DateTimeOffset time)
    {
        if (TryEpoch(line, zone, out time))
        {
            return true;
        }
        var last = Math.Min(line.Length, SearchWindow);
        for (var i = 0; i < last; i++)
        {
            if (i > 0 && char.IsAsciiLetterOrDigit(line[i - 1]))
            {
                continue;
            }
            var c = line[i];
            if (char.IsAsciiDigit(c))
            {
                if (TryIso(line[i..], zone, out time))
                {
                    return true;
                }
            }
            else if (char.IsAsciiLetter(c) && TrySyslog(line[i..], now, zone, out time))
            {
                return true;
            }
        }
        time = default;
        return false;
    }

    /// <summary>Epoch seconds (9 or 10 digits, optional fraction) at the start of the line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryEpoch(ReadOnlySpan<char> line, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        var text = line.TrimStart(' ');
        var digits = CountDigits(text, 0);
        if (digits is < 9 or > 10)
        {
            return false;
        }
        long seconds = 0;
        for (var i = 0; i < digits; i++)
        {
            seconds = (seconds * 10) + (text[i] - '0');
        }
        var at = digits;
        long fraction = 0;
        if (at < text.Length && text[at] == '.')
        {
            var count = CountDigits(text, at + 1);
            if (count == 0)
            {
                return false;
            }
            fraction = ReadFraction(text.Slice(at + 1, count));
            at += 1 + count;
        }
        if (at < text.Length && (char.IsAsciiDigit(text[at]) || text[at] is '-' or ':' or '.' or '/'))
        {
            return false;
        }
        time = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(fraction), zone);
        return true;
    }

    /// <summary><c>yyyy-MM-dd[T ]HH:mm:ss[.fraction][Z|±HH:mm|±HHmm]</c> at the start of <paramref name="text"/>.</summary>
    private static bool TryIso(ReadOnlySpan<char> text, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || text[10] is not ('T' or 't' or ' ')
            || !TryNumber(text, 0, 4, out var year) || !TryNumber(text, 5, 2, out var month) || !TryNumber(text, 8, 2, out var day)
            || !TryClock(text, 11, out var hour, out var minute, out var second))
        {
            return false;
        }
        var at = 19;
        var fraction = TryFraction(text, ref at);
        TimeSpan? offset = null;
        if (at < text.Length)
        {
            if (text[at] is 'Z' or 'z')
            {
                offset = TimeSpan.Zero;
                at++;
            }
            else if (text[at] is '+' or '-' && TryOffset(text, ref at, out var parsed))
            {
                offset = parsed;
            }
        }
        if (at < text.Length && char.IsAsciiLetterOrDigit(text[at]))
        {
            return false;
        }
        return offset is { } known
            ? ZoneClock.TryWithOffset(year, month, day, hour, minute, second, fraction, known, out time)
            : ZoneClock.TryLocal(year, month, day, hour, minute, second, fraction, zone, out time);
    }

    /// <summary><c>MMM d HH:mm:ss</c>, <c>MMM d yyyy HH:mm:ss</c>, or <c>MMM d HH:mm:ss yyyy</c>; the day may be space-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TrySyslog(ReadOnlySpan<char> text, DateTimeOffset now, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        if (text.Length < 14 || text[3] != ' ')
        {
            return false;
        }
        var month = Month(text[..3]);
        if (month == 0)
        {
            return false;
        }
        var at = 4;
        if (text[at] == ' ')
        {
            at++;
        }
        var dayDigits = CountDigits(text, at);
        if (dayDigits is < 1 or > 2 || !TryNumber(text, at, dayDigits, out var day))
        {
            return false;
        }
        at += dayDigits;
        if (at >= text.Length || text[at] != ' ')
        {
            return false;
        }
        at++;
        int? year = null;
        if (CountDigits(text, at) == 4 && at + 4 < text.Length && text[at + 4] == ' ' && TryNumber(text, at, 4, out var leading))
        {
            year = leading;
            at += 5;
        }
        if (!TryClock(text, at, out var hour, out var minute, out var second))
        {
            return false;
        }
        at += 8;
        var fraction = TryFraction(text, ref at);
        if (year is null && at + 5 <= text.Length && text[at] == ' ' && CountDigits(text, at + 1) == 4 && TryNumber(text, at + 1, 4, out var trailing))
        {
            year = trailing;
            at += 5;
        }
        if (at < text.Length && char.IsAsciiLetterOrDigit(text[at]))
        {
            return false;
        }
        return year is { } known
            ? ZoneClock.TryLocal(known, month, day, hour, minute, second, fraction, zone, out time)
            : ZoneClock.TryYearless(month, day, hour, minute, second, fraction, zone, now, out time);
    }

    // Case-insensitive as char.ToLowerInvariant: only U+0130 and U+212A lower to ASCII letters (i and k), which no
    // month name has, so ASCII letters folded to lower case decide it (TimestampFinderTests checks every character).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Month(ReadOnlySpan<char> name)
    {
        var key = 0;
        for (var i = 0; i < 3; i++)
        {
            var c = name[i];
            if (!char.IsAsciiLetter(c))
            {
                return 0;
            }
            key = (key << 8) | (c | 0x20);
        }
        return key switch
        {
            ('j' << 16) | ('a' << 8) | 'n' => 1,
            ('f' << 16) | ('e' << 8) | 'b' => 2,
            ('m' << 16) | ('a' << 8) | 'r' => 3,
            ('a' << 16) | ('p' << 8) | 'r' => 4,
            ('m' << 16) | ('a' << 8) | 'y' => 5,
            ('j' << 16) | ('u' << 8) | 'n' => 6,
            ('j' << 16) | ('u' << 8) | 'l' => 7,
            ('a' << 16) | ('u' << 8) | 'g' => 8,
            ('s' << 16) | ('e' << 8) | 'p' => 9,
            ('o' << 16) | ('c' << 8) | 't' => 10,
            ('n' << 16) | ('o' << 8) | 'v' => 11,
            ('d' << 16) | ('e' << 8) | 'c' => 12,
            _ => 0,
        };
    }

    /// <summary><c>HH:mm:ss</c> at <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryClock(ReadOnlySpan<char> text, int at, out int hour, out int minute, out int second)
    {
        minute = second = 0;
        return TryNumber(text, at, 2, out hour) && at + 8 <= text.Length && text[at + 2] == ':' && text[at + 5] == ':'
            && TryNumber(text, at + 3, 2, out minute) && TryNumber(text, at + 6, 2, out second);
    }

    /// <summary>An optional <c>.digits</c> or <c>,digits</c> at <paramref name="at"/>, as ticks.</summary>
    private static long TryFraction(ReadOnlySpan<char> text, ref int at)
    {
        if (at + 1 < text.Length && text[at] is '.' or ',')
        {
            var count = CountDigits(text, at + 1);
            if (count > 0)
            {
                var ticks = ReadFraction(text.Slice(at + 1, count));
                at += 1 + count;
                return ticks;
            }
        }
        return 0;
    }

    /// <summary><c>±HH:mm</c>, <c>±HHmm</c> or <c>±HH</c> at <paramref name="at"/>.</summary>
    private static bool TryOffset(ReadOnlySpan<char> text, ref int at, out TimeSpan offset)
    {
        offset = default;
        var sign = text[at] == '-' ? -1 : 1;
        if (!TryNumber(text, at + 1, 2, out var hours))
        {
            return false;
        }
        var end = at + 3;
        var minutes = 0;
        if (end < text.Length && text[end] == ':' && TryNumber(text, end + 1, 2, out minutes))
        {
            end += 3;
        }
        else if (CountDigits(text, end) == 2 && TryNumber(text, end, 2, out minutes))
        {
            end += 2;
        }
        if (hours > 14 || minutes > 59)
        {
            return false;
        }
        offset = sign * new TimeSpan(hours, minutes, 0);
        at = end;
        return true;
    }

    private static long ReadFraction(ReadOnlySpan<char> digits)
    {
        long ticks = 0;
        for (var i = 0; i < 7; i++)
        {
            ticks = (ticks * 10) + (i < digits.Length ? digits[i] - '0' : 0);
        }
        return ticks;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CountDigits(ReadOnlySpan<char> text, int at)
    {
        var count = 0;
        while (at + count < text.Length && char.IsAsciiDigit(text[at + count]))
        {
            count++;
        }
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryNumber(ReadOnlySpan<char> text, int at, int length, out int value)
    {
        value = 0;
        if (at < 0 || at + length > text.Length)
        {
            return false;
        }
        for (var i = at; i < at + length; i++)
        {
            var c = text[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        return true;
    }
}
