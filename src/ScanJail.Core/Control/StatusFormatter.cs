using System.Globalization;
using System.Text;
using ScanJail.Core.Actions;

namespace ScanJail.Core.Control;

/// <summary>
/// The human output of <c>scanjail-client</c>, shaped like fail2ban-client's so habits carry over.
/// Pure functions of the DTOs (and a time zone), so golden files pin what users see.
/// Every line ends with "\n".
/// </summary>
public static class StatusFormatter
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    private static readonly string[] BannedHeader = ["JAIL", "ADDRESS", "SINCE", "UNTIL", "FAILURES"];

    public static string Status(EngineStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var text = new StringBuilder();
        text.Append("Status\n");
        text.Append(CultureInfo.InvariantCulture, $"|- Number of jail:\t{status.Jails.Count}\n");
        text.Append(CultureInfo.InvariantCulture, $"`- Jail list:\t{string.Join(", ", status.Jails.Select(Clean))}\n");
        return text.ToString();
    }

    /// <summary>fail2ban-client's jail status, then one line for each action that is failing or retrying.</summary>
    public static string JailStatus(JailStatus status)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        WriteJailStatus(status, text);
        return text.ToString();
    }

    /// <summary>
    /// The text <c>JailStatus</c> returns, written to <paramref name="output"/>, the banned addresses one by
    /// one: with 100,000 bans, no megabyte-long string is joined, copied and encoded on the way.
    /// </summary>
    public static void WriteJailStatus(JailStatus status, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(output);
        output.Write(JailStatusHead(status));
        for (var i = 0; i < status.BannedAddresses.Count; i++)
        {
            if (i > 0)
            {
                output.Write(' ');
            }
            output.Write(Clean(status.BannedAddresses[i]));
        }
        output.Write(JailStatusTail(status));
    }

    /// <summary>A jail's status up to its banned addresses (the figures, not the list).</summary>
    private static string JailStatusHead(JailStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Status for the jail: {Clean(status.Jail)}\n");
        text.Append("|- Filter\n");
        text.Append(CultureInfo.InvariantCulture, $"|  |- Currently failed:\t{status.CurrentlyFailed}\n");
        text.Append(CultureInfo.InvariantCulture, $"|  |- Total failed:\t{status.TotalFailed}\n");
        text.Append(CultureInfo.InvariantCulture, $"|  `- File list:\t{string.Join(" ", status.Sources.Select(Clean))}\n");
        text.Append("`- Actions\n");
        text.Append(CultureInfo.InvariantCulture, $"   |- Currently banned:\t{status.CurrentlyBanned}\n");
        text.Append(CultureInfo.InvariantCulture, $"   |- Total banned:\t{status.TotalBanned}\n");
        text.Append("   `- Banned IP list:\t");
        return text.ToString();
    }

    /// <summary>A jail's status after its banned addresses: the end of their line, the failing actions, the origins.</summary>
    private static string JailStatusTail(JailStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var text = new StringBuilder();
        text.Append('\n');
        foreach (var action in status.Actions.Where(IsFailing))
        {
            text.Append(CultureInfo.InvariantCulture, $"   action {Clean(action.Action)}: {action.Failed} failed, {action.Retrying} retrying");
            if (action.LastError is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $", last error: {Clean(action.LastError)}");
            }
            text.Append('\n');
        }
        foreach (var origin in status.Origins ?? [])
        {
            // Where forwarded failures came from: one line per sending host.
            text.Append(CultureInfo.InvariantCulture, $"   origin {Clean(origin.Origin)}: {origin.Failures} failed");
            if (origin.Banned.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", banned {string.Join(" ", origin.Banned.Select(Clean))}");
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>One row per active ban; times in <paramref name="zone"/>.</summary>
    public static string Banned(IReadOnlyList<BanInfo> bans, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(bans);
        ArgumentNullException.ThrowIfNull(zone);
        if (bans.Count == 0)
        {
            return "No address is banned.\n";
        }
        var rows = new List<string[]> { BannedHeader };
        rows.AddRange(bans.Select(ban => new[]
        {
            Clean(ban.Jail),
            Clean(ban.Address),
            Time(ban.Start, zone),
            ban.End is { } end ? Time(end, zone) : "permanent",
            ban.Manual
                ? string.Create(CultureInfo.InvariantCulture, $"{ban.Failures} (manual)")
                : ban.Failures.ToString(CultureInfo.InvariantCulture),
        }));
        return Table(rows);
    }

    /// <summary>Counters as <c>name value</c> lines (easy to pick with awk), then every action's health.</summary>
    public static string Stats(EngineStats stats, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(zone);
        var rows = new List<string[]> { new[] { "started", Time(stats.StartedAt, zone) } };
        rows.AddRange(stats.Counters
            .OrderBy(counter => counter.Key, StringComparer.Ordinal)
            .Select(counter => new[] { Clean(counter.Key), counter.Value.ToString(CultureInfo.InvariantCulture) }));
        rows.AddRange(stats.Actions.Select(action => new[] { $"action {Clean(action.Action)}", Health(action, zone) }));
        return Table(rows);
    }

    /// <summary>What a ban, unban or reload reports: its message, then each error on its own line.</summary>
    public static string Outcome(string message, IReadOnlyList<string>? errors)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrEmpty(message))
        {
            text.Append(Clean(message)).Append('\n');
        }
        foreach (var error in errors ?? [])
        {
            text.Append("  ").Append(Clean(error)).Append('\n');
        }
        return text.ToString();
    }

    private static bool IsFailing(ActionHealth action) => action.Failed > 0 || action.Retrying > 0 || action.Dropped > 0;

    private static string Health(ActionHealth action, TimeZoneInfo zone)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{action.Succeeded} succeeded, {action.Failed} failed, {action.Retrying} retrying, {action.Pending} pending");
        if (action.Dropped > 0)
        {
            // Only bounded queues (mail, webhook) drop; shown only then, so other actions read as before.
            text += string.Create(CultureInfo.InvariantCulture, $", {action.Dropped} dropped (queue full)");
        }
        if (action.LastError is not null)
        {
            text += $", last error: {Clean(action.LastError)}";
            if (action.LastErrorAt is { } at)
            {
                text += $" ({Time(at, zone)})";
            }
        }
        return text;
    }

    // Columns padded to the widest cell, two spaces apart; the last column is not padded.
    private static string Table(List<string[]> rows)
    {
        var columns = rows.Max(row => row.Length);
        var widths = Enumerable.Range(0, columns)
            .Select(column => rows.Where(row => column < row.Length).Max(row => row[column].Length))
            .ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (var column = 0; column < row.Length; column++)
            {
                text.Append(column == row.Length - 1 ? row[column] : row[column].PadRight(widths[column] + 2));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Time(DateTimeOffset time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time, zone).ToString(TimeFormat, CultureInfo.InvariantCulture);

    // Names and errors may carry text an attacker or a failing command wrote: keep it on one line, no escapes.
    internal static string Clean(string text)
    {
        // A loop over the span, not Any(char.IsControl): 100,000 banned addresses are 1.2 million characters.
        if (!HasControl(text))
        {
            return text;
        }
        return string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }
        return false;
    }
}
