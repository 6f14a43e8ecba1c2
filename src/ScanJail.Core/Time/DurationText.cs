using System.Globalization;
using System.Text;

namespace ScanJail.Core.Time;

/// <summary>Writes a duration the way <see cref="DurationGrammar"/> reads it: <c>1w2d3h4m5s</c>, <c>10m</c>, <c>0s</c>.</summary>
public static class DurationText
{
    private static readonly (char Unit, long Seconds)[] Units =
        [('w', 604_800), ('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

    /// <summary>Whole seconds only: a fraction of a second is dropped. Negative durations are written as 0s.</summary>
    public static string Format(TimeSpan duration)
    {
        var rest = Math.Max(0, duration.Ticks / TimeSpan.TicksPerSecond);
        if (rest == 0)
        {
            return "0s";
        }
        var text = new StringBuilder();
        foreach (var (unit, seconds) in Units)
        {
            var count = rest / seconds;
            if (count > 0)
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                rest -= count * seconds;
            }
        }
        return text.ToString();
    }
}
