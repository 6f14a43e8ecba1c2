using System.Globalization;

namespace ScanJail.Core.Time;

/// <summary>
/// A filter's own <c>datepattern</c>: a .NET custom date format (<c>yyyy-MM-dd HH:mm:ss</c>,
/// <c>dd/MMM/yyyy:HH:mm:ss zzz</c>, ...) searched for near the start of the line, or the word
/// <c>epoch</c> for epoch seconds at the start. A format without a year gets one the way RFC 3164
/// stamps do; a format without an offset (<c>z</c>, <c>K</c>) is read in the filter's zone.
/// </summary>
public sealed class DatePattern
{
    private const string EpochWord = "epoch";
    private readonly string _format;
    private readonly bool _epoch;
    private readonly bool _hasYear;
    private readonly bool _hasOffset;
    private readonly int _minLength;
    private readonly int _maxLength;

    private DatePattern(string format, bool epoch, int minLength, int maxLength)
    {
        _format = format;
        _epoch = epoch;
        var letters = FormatLetters(format);
        _hasYear = letters.Contains('y', StringComparison.Ordinal);
        _hasOffset = letters.Contains('z', StringComparison.Ordinal) || letters.Contains('K', StringComparison.Ordinal);
        _minLength = minLength;
        _maxLength = maxLength;
    }

    public string Format => _format;

    /// <summary>Checks <paramref name="format"/>; on failure <paramref name="problem"/> says why. Never throws.</summary>
    public static bool TryCreate(string format, out DatePattern? pattern, out string? problem)
    {
        pattern = null;
        problem = null;
        if (string.Equals(format, EpochWord, StringComparison.OrdinalIgnoreCase))
        {
            pattern = new DatePattern(EpochWord, epoch: true, 0, 0);
            return true;
        }
        if (string.IsNullOrWhiteSpace(format))
        {
            problem = "the date pattern is empty; give a .NET custom date format such as 'yyyy-MM-dd HH:mm:ss', or 'epoch'";
            return false;
        }
        int min = int.MaxValue, max = 0;
        try
        {
            // Lengths vary with month names, one-digit fields and offsets: measure them on sample dates.
            foreach (var offset in new[] { TimeSpan.Zero, TimeSpan.FromHours(-10) })
            {
                for (var month = 1; month <= 12; month++)
                {
                    foreach (var (day, hour) in new[] { (1, 1), (28, 23) })
                    {
                        var sample = new DateTimeOffset(2026, month, day, hour, hour, hour, offset).AddTicks(hour == 1 ? 0 : 9_999_999);
                        var length = sample.ToString(format, CultureInfo.InvariantCulture).Length;
                        min = Math.Min(min, length);
                        max = Math.Max(max, length);
                    }
                }
            }
        }
        catch (FormatException e)
        {
            problem = $"'{format}' is not a .NET custom date format: {e.Message}";
            return false;
        }
        if (format.Length == 1)
        {
            problem = $"'{format}' is a standard format letter; write the custom format out (for example 'yyyy-MM-dd HH:mm:ss')";
            return false;
        }
        pattern = new DatePattern(format, epoch: false, min, max);
        return true;
    }

    public bool TryRead(ReadOnlySpan<char> line, DateTimeOffset now, TimeZoneInfo zone, out DateTimeOffset time)
    {
        if (_epoch)
        {
            return TimestampFinder.TryEpoch(line, zone, out time);
        }
        var last = Math.Min(line.Length - _minLength, TimestampFinder.SearchWindow);
        for (var start = 0; start <= last; start++)
        {
            if (start > 0 && char.IsAsciiLetterOrDigit(line[start - 1]) && char.IsAsciiLetterOrDigit(line[start]))
            {
                continue;
            }
            for (var length = Math.Min(_maxLength, line.Length - start); length >= _minLength; length--)
            {
                if (TryExact(line.Slice(start, length), now, zone, out time))
                {
                    return true;
                }
            }
        }
        time = default;
        return false;
    }

    private bool TryExact(ReadOnlySpan<char> text, DateTimeOffset now, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        if (_hasOffset)
        {
            return DateTimeOffset.TryParseExact(text, _format, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
        }
        if (!DateTime.TryParseExact(text, _format, CultureInfo.InvariantCulture, DateTimeStyles.NoCurrentDateDefault, out var local))
        {
            return false;
        }
        var fraction = local.Ticks % TimeSpan.TicksPerSecond;
        return _hasYear
            ? ZoneClock.TryLocal(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, fraction, zone, out time)
            : ZoneClock.TryYearless(local.Month, local.Day, local.Hour, local.Minute, local.Second, fraction, zone, now, out time);
    }

    /// <summary>The format's pattern letters, without quoted literals and escaped characters.</summary>
    private static string FormatLetters(string format)
    {
        var letters = new System.Text.StringBuilder(format.Length);
        char? quote = null;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '\\')
            {
                i++;
            }
            else
            {
                letters.Append(c);
            }
        }
        return letters.ToString();
    }
}
