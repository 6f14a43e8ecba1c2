using System.Globalization;
using System.Text.RegularExpressions;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// The listener's start-up warm-up (Detection/DetectionWarmUp) against the real program: it takes a scan's way
/// at start on scratch objects, so nothing of it may reach the syslog target or the listener's own counters.
/// </summary>
[Collection(LabGroup.Name)]
public sealed class WarmUpTests(LabNetwork lab)
{
    [Fact]
    public async Task A_just_started_listener_reports_only_the_real_scan_and_counts_only_its_probes()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, """tcp: { mode: atcp, ports: "1-1024" }""");
        Assert.Empty(listener.Alerts);
        await lab.NmapAsync("-sS", "-T4", "-p", "1-64", LabNetwork.VictimV4);
        await Wait.UntilAsync(() => ScanJail.Listener.Tests.Lab.ScanDetectionTests.PortsOf(listener, "syn", "tcp").Count == 64,
            "an alert for each of the 64 ports", listener.Diagnostics);
        Assert.Equal(0, await listener.StopAsync());
        Assert.All(listener.Alerts, a => Assert.StartsWith($"attackalert: src={LabNetwork.ScannerV4} ", a, StringComparison.Ordinal));
        Assert.DoesNotContain(listener.Receiver.Messages, m => m.Contains("198.18.", StringComparison.Ordinal) || m.Contains("2001:2::", StringComparison.Ordinal));
        // The shutdown line's counters are the real detector's: every alert it counts is one that arrived.
        var shutdown = Assert.Single(listener.Receiver.Messages, m => m.StartsWith("adminalert: scanjail-listener is shutting down", StringComparison.Ordinal));
        var alerts = int.Parse(Regex.Match(shutdown, @" alerts=(\d+) ").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(listener.Alerts.Count, alerts);
        Assert.Contains(" summary_lines=0 ", shutdown, StringComparison.Ordinal);
    }
}
