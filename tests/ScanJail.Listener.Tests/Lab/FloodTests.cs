using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// Issue 8, load: a flood of SYNs from random spoofed sources (forged in the scanner namespace,
/// 198.18.0.0/15, so the victim's answers have no route and go nowhere) against the listener.
/// Its memory stays bounded, its output stays within the rate bound, what it summarised and
/// forgot is counted in an adminalert line, and it still reports a real scan afterwards.
/// </summary>
[Collection(LabGroup.Name)]
public sealed partial class FloodTests(LabNetwork lab)
{
    private const int Packets = 200_000;
    private const int LinesPerSecond = 100;
    private const int Burst = 200;
    private const long RssGrowthBound = 96L << 20;

    [Fact]
    public async Task A_spoofed_syn_flood_keeps_memory_and_output_bounded_and_the_listener_alive()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, $$"""
            tcp: { mode: atcp, ports: "1-1024" }
            max_sources: 1000
            rate: { lines_per_second: {{LinesPerSecond}}, burst: {{Burst}} }
            """);
        var rssBefore = Rss(listener.Pid);
        var alertsBefore = listener.Alerts.Count;
        var started = TimeProvider.System.GetTimestamp();
        using (var forge = new SpoofedProbes(lab))
        {
            for (var i = 0; i < Packets; i++)
            {
                var source = new IPAddress([198, (byte)(18 + Random.Shared.Next(2)), (byte)Random.Shared.Next(256), (byte)Random.Shared.Next(1, 255)]);
                forge.Syn(source, Random.Shared.Next(1024, 65536), Random.Shared.Next(1, 1025));
            }
        }
        var sent = TimeProvider.System.GetElapsedTime(started);
        // The listener reports what the bound did within one report period (5 s) after the flood.
        await Wait.UntilAsync(() => listener.Receiver.Messages.Any(m => m.StartsWith("adminalert: output bound:", StringComparison.Ordinal)
                && Forgotten().Match(m) is { Success: true } f && long.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture) > 0),
            "an adminalert line counting the summarised probes and forgotten sources", listener.Diagnostics);
        var window = TimeProvider.System.GetElapsedTime(started);
        var lines = listener.Alerts.Count - alertsBefore;
        var rssAfter = Rss(listener.Pid);
        Console.WriteLine($"flood: {Packets} spoofed SYNs sent in {sent.TotalSeconds:F1} s; {lines} attackalert lines in {window.TotalSeconds:F1} s (bound {Burst} + {LinesPerSecond}/s); VmRSS {rssBefore >> 10} KiB before, {rssAfter >> 10} KiB after");
        Console.WriteLine(listener.Receiver.Messages.Last(m => m.StartsWith("adminalert: output bound:", StringComparison.Ordinal)));
        Assert.InRange(lines, 1, Burst + (LinesPerSecond * (window.TotalSeconds + 1)));
        Assert.True(rssAfter - rssBefore < RssGrowthBound, $"VmRSS grew from {rssBefore} to {rssAfter} bytes");

        // Still alive, and still reporting a real scan once the flood is over.
        Assert.False(listener.HasExited, listener.Diagnostics());
        await lab.NmapAsync("-sS", "-T4", "-p", "1-50", LabNetwork.VictimV4);
        await Wait.UntilAsync(() => ScannerPorts(listener).Count == 50, "the real scanner's 50 ports, per port or summarised", listener.Diagnostics, seconds: 60);
        Assert.Equal(0, await listener.StopAsync());
        var shutdown = listener.Receiver.Messages.Single(m => m.Contains("shutting down", StringComparison.Ordinal));
        Console.WriteLine(shutdown);
        Assert.Contains(" kernel_drops=0 ", shutdown, StringComparison.Ordinal);
    }

    /// <summary>The ports the real scanner (192.0.2.2) was reported on, in per-port or summary lines.</summary>
    private static HashSet<int> ScannerPorts(ListenerProcess listener)
    {
        var ports = new ScanJail.Listener.Configuration.PortSet();
        foreach (var alert in listener.Alerts.Where(a => a.StartsWith($"attackalert: src={LabNetwork.ScannerV4} ", StringComparison.Ordinal)))
        {
            if (DetailPort().Match(alert) is { Success: true } one)
            {
                ports.Add(int.Parse(one.Groups[1].Value, CultureInfo.InvariantCulture));
            }
            else if (SummaryPorts().Match(alert) is { Success: true } many)
            {
                ports.TryAdd(many.Groups[1].Value);
            }
        }
        return [.. ports.Ports()];
    }

    private static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    [GeneratedRegex(" sources_forgotten=([0-9]+)")]
    private static partial Regex Forgotten();

    [GeneratedRegex(" dport=([0-9]+) ")]
    private static partial Regex DetailPort();

    [GeneratedRegex(" ports=([0-9,-]+)$")]
    private static partial Regex SummaryPorts();
}
