using System.Globalization;
using System.Text;
using ScanJail.Core.Control;
using ScanJail.Core.Time;

namespace ScanJail.Client;

/// <summary>
/// <c>scanjail-client report</c> as text: a summary line, then one block per source, busiest
/// first (psad's <c>-S</c> status report is the model: who, when, what, and what was done).
/// </summary>
public static class ScanReportFormatter
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    private const int MaxPortsText = 200;

    public static string Format(ScanReport report, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(zone);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Port scans since {Time(report.Since, zone)}: {report.TotalSources} source(s)");
        text.Append(report.Sources.Count < report.TotalSources
            ? string.Create(CultureInfo.InvariantCulture, $", the {report.Sources.Count} busiest below\n")
            : "\n");
        foreach (var s in report.Sources)
        {
            text.Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"{Clean(s.Address)}\n");
            text.Append(CultureInfo.InvariantCulture, $"  seen:    {Time(s.FirstSeen, zone)} to {Time(s.LastSeen, zone)}, {s.Probes} probe(s)\n");
            var ports = s.Ports.Length > MaxPortsText ? s.Ports[..MaxPortsText] + "..." : s.Ports;
            text.Append(CultureInfo.InvariantCulture, $"  ports:   {s.PortCount} ({Clean(ports)})\n");
            text.Append(CultureInfo.InvariantCulture, $"  kinds:   {Clean(string.Join(", ", s.Kinds))} over {Clean(string.Join(", ", s.Protocols))}; jails: {Clean(string.Join(", ", s.Jails))}\n");
            var now = s.BannedNow
                ? s.BannedUntil is { } until ? $"banned until {Time(until, zone)}" : "banned permanently"
                : "not banned now";
            if (s.BannedNow && s.BannedAs is { } network)
            {
                now += $" (its network {Clean(network)})";
            }
            text.Append(CultureInfo.InvariantCulture, $"  bans:    {s.Bans}, {DurationText.Format(s.BannedFor)} in all; {now}\n");
        }
        return text.ToString();
    }

    private static string Time(DateTimeOffset time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time, zone).ToString(TimeFormat, CultureInfo.InvariantCulture);

    // Values reach the engine from logs: keep control characters off the admin's terminal.
    private static string Clean(string text) => string.Concat(text.Select(c => char.IsControl(c) ? '?' : c));
}
