using System.Globalization;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>Turns the groups a date template captured into a time, with fail2ban's rules for missing parts.</summary>
public sealed partial class Fail2BanDateTemplate
{
    private static bool FromParts(Match m, DateTimeOffset now, TimeZoneInfo zone, out DateTimeOffset time)
    {
        time = default;
        var localNow = TimeZoneInfo.ConvertTime(now, zone);
        int? year = Number(m, "Y") ?? (Number(m, "y") is { } y ? 2000 + y : null);
        int? month = Number(m, "m") ?? MonthOf(m.Groups["b"], abbreviated: true) ?? MonthOf(m.Groups["B"], abbreviated: false);
        int? day = Number(m, "d");
        var hour = Number(m, "H") ?? 0;
        if (Number(m, "I") is { } twelve)
        {
            var pm = m.Groups["p"] is { Success: true } p && p.Value.Equals("PM", StringComparison.OrdinalIgnoreCase);
            hour = (twelve % 12) + (pm ? 12 : 0);
        }
        var minute = Number(m, "M") ?? 0;
        var second = Math.Min(Number(m, "S") ?? 0, 59);
        // fail2ban reads %f but drops it from the time (its strptime keeps whole seconds).
        const long ticks = 0;
        var assumeYear = year is null;
        var assumeToday = month is null && day is null;
        if (Number(m, "j") is { } julian && month is null)
        {
            var date = new DateTime(year ?? localNow.Year, 1, 1).AddDays(julian - 1);
            month = date.Month;
            day = date.Day;
            assumeToday = false;
        }
        year ??= localNow.Year;
        month ??= localNow.Month;
        day ??= localNow.Day;
        if (hour > 23 || day > DateTime.DaysInMonth(year.Value, month.Value))
        {
            return false;
        }
        var offset = Offset(m);
        var clock = new DateTime(year.Value, month.Value, day.Value, hour, minute, second).AddTicks(ticks);
        time = At(clock, offset, zone);
        if (assumeToday && time > now)
        {
            // A time-only stamp after now is from yesterday (the log rolled over midnight).
            time = At(clock.AddDays(-1), offset, zone);
        }
        if (assumeYear && time > now.AddDays(1) && !(month == 2 && day == 29 && !DateTime.IsLeapYear(year.Value - 1)))
        {
            time = At(clock.AddYears(-1), offset, zone);
        }
        return true;
    }

    private static DateTimeOffset At(DateTime clock, TimeSpan? offset, TimeZoneInfo zone) =>
        offset is { } given ? new DateTimeOffset(clock, given) : new DateTimeOffset(clock, zone.GetUtcOffset(clock));

    private static TimeSpan? Offset(Match m)
    {
        var z = m.Groups["z"];
        var text = z.Success ? z.Value : m.Groups["Z"] is { Success: true } name ? name.Value : null;
        if (text is null)
        {
            return null;
        }
        if (text is "Z" or "UTC" or "GMT" or "z" or "utc" or "gmt")
        {
            return TimeSpan.Zero;
        }
        if (text[0] is not ('+' or '-'))
        {
            // A named zone other than UTC: fail2ban reads it in the default zone too.
            return null;
        }
        var digits = text[1..].Replace(":", "", StringComparison.Ordinal);
        var hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
        var minutes = digits.Length >= 4 ? int.Parse(digits[2..4], CultureInfo.InvariantCulture) : 0;
        var span = new TimeSpan(hours, minutes, 0);
        return text[0] == '-' ? -span : span;
    }

    private static int? Number(Match m, string name) =>
        m.Groups[name] is { Success: true } g && int.TryParse(g.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static int? MonthOf(Group g, bool abbreviated)
    {
        if (!g.Success)
        {
            return null;
        }
        var names = abbreviated ? Months : FullMonths;
        var index = Array.FindIndex(names, n => n.Equals(g.Value, StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : index + 1;
    }
}
