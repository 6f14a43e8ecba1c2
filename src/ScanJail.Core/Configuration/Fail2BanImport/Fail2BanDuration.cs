using System.Globalization;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Configuration.Fail2BanImport;

/// <summary>
/// fail2ban's time values (MyTime.str2seconds) without its <c>eval</c>: <c>600</c>, <c>10m</c>,
/// <c>1h 30m</c>, <c>1d12h</c>, <c>1hour+30min</c>, <c>3600*24</c>, <c>6mo</c>, <c>1y</c>, and a negative
/// number for "forever". Units as fail2ban spells them (s/sec/seconds, m/mm/min/minutes, h/hh/hours,
/// d/dd/days, w/ww/weeks, mo/mon/months = a year / 12, y/yy/years = 365.25 days).
/// </summary>
public static partial class Fail2BanDuration
{
    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Factor();

    [GeneratedRegex(@"(?<=[a-z])\s*(?=\d)|(?<=\d)\s+(?=\d)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ImplicitPlus();

    /// <summary>
    /// True when <paramref name="text"/> is a time fail2ban reads; <paramref name="duration"/> is null for a
    /// negative value (a ban that never ends).
    /// </summary>
    public static bool TryParse(string text, out TimeSpan? duration)
    {
        duration = null;
        var trimmed = text.Trim();
        if (trimmed.StartsWith('-') && double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var negative) && negative < 0)
        {
            return true;
        }
        // "1d12h" and "1h 30m" are sums, as fail2ban reads them.
        var expression = ImplicitPlus().Replace(trimmed, "+");
        double seconds = 0;
        foreach (var term in expression.Split('+'))
        {
            double product = 1;
            foreach (var factor in term.Split('*'))
            {
                if (FactorSeconds(factor) is not { } value)
                {
                    return false;
                }
                product *= value;
            }
            seconds += product;
        }
        if (seconds <= 0 || seconds > TimeSpan.FromDays(36_500).TotalSeconds)
        {
            return false;
        }
        duration = TimeSpan.FromSeconds(Math.Round(seconds));
        return true;
    }

    private static double? FactorSeconds(string text)
    {
        var match = Factor().Match(text);
        if (!match.Success)
        {
            return null;
        }
        var number = double.Parse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        return Unit(match.Groups[2].Value.ToLowerInvariant()) is { } unit ? number * unit : null;
    }

    private static double? Unit(string unit) => unit switch
    {
        "" or "s" or "ss" or "sec" or "second" or "seconds" => 1,
        "m" or "mm" or "mi" or "min" or "minute" or "minutes" => 60,
        "h" or "hh" or "ho" or "hou" or "hour" or "hours" => 3_600,
        "d" or "dd" or "da" or "day" or "days" => 86_400,
        "w" or "ww" or "we" or "wee" or "week" or "weeks" => 604_800,
        "mo" or "mon" or "month" or "months" => (365 * 3 + 366) * 86_400 / 4.0 / 12,
        "y" or "yy" or "ye" or "yea" or "year" or "years" => (365 * 3 + 366) * 86_400 / 4.0,
        _ => null,
    };
}
