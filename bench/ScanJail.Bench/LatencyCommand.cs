using System.Globalization;

namespace ScanJail.Bench;

/// <summary>
/// <c>--latency</c>: the ban-latency table (ScanJail by file and by syslog datagram, fail2ban-server
/// with pyinotify and polling, each idle and under load; the floor's idle rows unless <c>--no-floor</c>).
/// <c>--soak MINUTES</c>: the soak instead.
/// </summary>
internal static class LatencyCommand
{
    public static int Run(string[] args, int bans)
    {
        var loadRate = IntOption(args, "--load-rate", 100_000);
        if (IntOption(args, "--soak", 0) is var minutes and > 0)
        {
            return Soak.Run(TimeSpan.FromMinutes(minutes), TimeSpan.FromSeconds(IntOption(args, "--every", 10)), loadRate) ? 0 : 1;
        }
        var peerBans = IntOption(args, "--peer-bans", 100);
        LatencyStage.RowBudget = TimeSpan.FromSeconds(IntOption(args, "--row-seconds", 120));
        LatencyStage.WarmUpBans = IntOption(args, "--warm-up", LatencyStage.WarmUpBans);
        LatencyStage.Rest = TimeSpan.FromMilliseconds(IntOption(args, "--rest-ms", 0));
        if (StringOption(args, "--scanjail", "") is { Length: > 0 } published)
        {
            EngineHost.Published = Path.GetFullPath(published);
        }
        var withPeers = !args.Contains("--no-peers");
        var tools = Directory.CreateTempSubdirectory("scanjail-stamp-").FullName;
        try
        {
            var stamp = StampCommand.Choose(tools, StringOption(args, "--stamp", "entry"));
            Console.WriteLine($"the ban command (both tools): {stamp.Name}");
            // The floor spawns one program by its path: only with the C stamp command.
            var floor = !args.Contains("--no-floor") && stamp.Prefix.Count == 1 ? FloorLatency.Build(tools) : null;
            return Table(bans, loadRate, peerBans, withPeers, idleOnly: args.Contains("--idle-only"), floor);
        }
        finally
        {
            Directory.Delete(tools, true);
        }
    }

    private static int Table(int bans, int loadRate, int peerBans, bool withPeers, bool idleOnly, string? floor)
    {
        Console.WriteLine($"ban latency: line or datagram -> ban command started; {bans} bans per ScanJail row, {peerBans} per fail2ban row, each row at most {LatencyStage.RowBudget.TotalSeconds:F0} s; {LatencyStage.Pace}; load {loadRate:N0} lines/s");
        var rows = new List<LatencyFigures>();
        foreach (var underLoad in idleOnly ? (bool[])[false] : [false, true])
        {
            rows.AddRange(Report(LatencyStage.Run(bans, underLoad, loadRate)));
            if (floor is not null && !underLoad)
            {
                rows.AddRange(Report(FloorLatency.Run(floor, bans)));
            }
            if (!withPeers)
            {
                continue;
            }
            if (!Fail2BanLatency.IsAvailable)
            {
                Console.WriteLine("fail2ban-server is not installed: its rows are left out (scripts/setup installs it)");
                withPeers = false;
                continue;
            }
            foreach (var backend in (string[])["pyinotify", "polling"])
            {
                rows.AddRange(Report([Fail2BanLatency.Run(backend, peerBans, underLoad, loadRate)]));
            }
        }
        Console.WriteLine();
        LatencyFigures.Print(rows);
        return 0;
    }

    private static IReadOnlyList<LatencyFigures> Report(IReadOnlyList<LatencyFigures> rows)
    {
        foreach (var row in rows)
        {
            Console.WriteLine($"  {row.Tool} {row.Path} {row.Load}: p50 {row.Percentile(0.5):F2} ms, p99 {row.Percentile(0.99):F2} ms ({row.Millis.Count} bans, {row.Measured.Missed} missed, {row.Measured.CpuPerBan:F3} ms of its CPU each; load average {row.LoadAverage})");
        }
        return rows;
    }

    private static string StringOption(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    public static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
