using System.Globalization;
using Sprache;

namespace ScanJail.Core.Time;

/// <summary>
/// Durations as admins write them: <c>30s</c>, <c>10m</c>, <c>1h30m</c>, <c>2d</c>, <c>1w</c>,
/// <c>1w2d3h4m5s</c> (units s, m, h, d, w, largest first, each at most once, optionally separated by
/// spaces), or a plain number of seconds. Whitespace around is allowed. Negative numbers, unknown
/// units, empty text and anything longer than <see cref="Max"/> are rejected. Never throws.
/// </summary>
public static class DurationGrammar
{
    /// <summary>The longest duration accepted: 100 years of 365 days, so that "now + duration" always fits a date.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(36_500);

    private static readonly long MaxSeconds = (long)Max.TotalSeconds;

    // ASCII only: Parse.Digit is char.IsDigit, which also takes Arabic-Indic and other digits.
    private static readonly Parser<char> Digit = Parse.Char(char.IsAsciiDigit, "a digit 0-9");

    // Fifteen digits cannot overflow a long, whatever the unit; larger totals are refused by the range check.
    private static readonly Parser<long> Count =
        (from digits in Digit.AtLeastOnce().Text()
         where digits.Length <= 15
         select long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture))
        .Named("a whole number");

    /// <summary>Seconds per unit letter.</summary>
    private static readonly Parser<long> Unit =
        Parse.Char('w').Return(604_800L)
            .Or(Parse.Char('d').Return(86_400L))
            .Or(Parse.Char('h').Return(3_600L))
            .Or(Parse.Char('m').Return(60L))
            .Or(Parse.Char('s').Return(1L))
            .Named("a unit (s, m, h, d or w)");

    private static readonly Parser<(long Count, long Unit)> Part =
        (from count in Count
         from unit in Unit
         from space in Parse.WhiteSpace.Many()
         select (count, unit))
        .Named("a number with a unit, such as 10m");

    /// <summary>Parts largest unit first, each unit once; the total in seconds, or null when out of range.</summary>
    private static readonly Parser<long?> Parts =
        from parts in Part.AtLeastOnce()
        select Total([.. parts]);

    // In range like the parts' total: 15 digits reach far past Max.
    private static readonly Parser<long?> PlainSeconds =
        from count in Count
        select count <= MaxSeconds ? count : (long?)null;

    /// <summary>The whole text: parts or plain seconds, whitespace around, nothing after.</summary>
    public static readonly Parser<TimeSpan?> Duration =
        (from seconds in Parts.Or(PlainSeconds).Token().End()
         select seconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null)
        .Named("a duration such as 30s, 10m, 1h30m, 2d or 1w");

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text is null || text.Length > 200)
        {
            return false;
        }
        var result = Duration.TryParse(text);
        if (!result.WasSuccessful || result.Value is not { } value)
        {
            return false;
        }
        duration = value;
        return true;
    }

    private static long? Total(IReadOnlyList<(long Count, long Unit)> parts)
    {
        long total = 0;
        long previousUnit = long.MaxValue;
        foreach (var (count, unit) in parts)
        {
            // "30m1h" and "1h1h" are more likely typos than intent.
            if (unit >= previousUnit || count > MaxSeconds / unit)
            {
                return null;
            }
            previousUnit = unit;
            total += count * unit;
            if (total > MaxSeconds)
            {
                return null;
            }
        }
        return total;
    }
}
