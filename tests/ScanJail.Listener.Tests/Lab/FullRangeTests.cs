using System.Text.RegularExpressions;
using ScanJail.Listener.Configuration;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>A full-range -T5 scan of each TCP kind is caught completely: per-port lines up to the rate bound, then summaries naming every other port.</summary>
[Collection(LabGroup.Name)]
public sealed partial class FullRangeTests(LabNetwork lab)
{
    [Theory]
    [InlineData("-sS", "syn")]
    [InlineData("-sF", "fin")]
    [InlineData("-sN", "null")]
    [InlineData("-sX", "xmas")]
    public async Task Every_port_of_a_scan_of_all_65535_is_reported_per_port_or_in_a_summary(string scan, string kind)
    {
        await using var listener = await ListenerProcess.StartAsync(lab, """
            tcp: { mode: atcp, ports: "1-65535" }
            rate: { lines_per_second: 1000, burst: 5000 }
            """);
        await lab.NmapAsync(scan, "-T5", "-p-", LabNetwork.VictimV4);
        Assert.Equal(0, await listener.StopAsync());
        var perPort = ScanDetectionTests.PortsOf(listener, kind, "tcp");
        var summarised = new PortSet();
        foreach (var alert in listener.Alerts.Where(a => a.Contains(" summary=yes ", StringComparison.Ordinal)))
        {
            Assert.Contains($"src={LabNetwork.ScannerV4} proto=tcp kind={kind} mode=atcp", alert, StringComparison.Ordinal);
            Assert.True(summarised.TryAdd(Ports().Match(alert).Groups[1].Value), alert);
        }
        Assert.True(perPort.Count >= 5000, $"{perPort.Count} per-port lines");
        Assert.True(summarised.Count > 0, "no summary line");
        Assert.Equal(65535, perPort.Count + summarised.Count);
        Assert.DoesNotContain(perPort, summarised.Contains);
        Assert.Contains(listener.Receiver.Messages, m => m.Contains("shutting down", StringComparison.Ordinal) && m.Contains(" kernel_drops=0 ", StringComparison.Ordinal));
    }

    /// <summary>
    /// audp on 1-65535 now watches the ephemeral range too (replies to the host's own UDP are told
    /// apart by the outgoing-UDP tap): a full-range UDP scan is reported on every port the listener
    /// says it watches, and that is every port but the few the test's own sockets hold.
    /// </summary>
    [Fact]
    public async Task Every_port_of_a_udp_scan_of_all_65535_is_reported_per_port_or_in_a_summary()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, """
            udp: { mode: audp, ports: "1-65535" }
            rate: { lines_per_second: 1000, burst: 5000 }
            """);
        var watched = new PortSet();
        foreach (var line in listener.Receiver.Messages.Where(m => m.StartsWith("adminalert: audp watches ", StringComparison.Ordinal)))
        {
            Assert.True(watched.TryAdd(line[(line.IndexOf(": ", 12, StringComparison.Ordinal) + 2)..]), line);
        }
        // Only the syslog receiver's port and the listener's own sending socket are in use in the victim.
        Assert.InRange(watched.Count, 65530, 65535);
        Assert.True(watched.Contains(40000) && watched.Contains(60999) && watched.Contains(65535), "the ephemeral range is watched");
        // No retries and a minimum rate keep the scan to seconds (the victim's ICMP rate limit is lifted by the lab).
        using var observer = new UdpPortObserver(lab.Victim);
        await lab.NmapAsync("-sU", "-T5", "--max-retries", "0", "--min-rate", "5000", "-p-", LabNetwork.VictimV4);
        Assert.Equal(0, await listener.StopAsync());
        var arrived = observer.Ports();
        var perPort = ScanDetectionTests.PortsOf(listener, "udp", "udp");
        var summarised = new PortSet();
        foreach (var alert in listener.Alerts.Where(a => a.Contains(" summary=yes ", StringComparison.Ordinal)))
        {
            Assert.Contains($"src={LabNetwork.ScannerV4} proto=udp kind=udp mode=audp", alert, StringComparison.Ordinal);
            Assert.True(summarised.TryAdd(Ports().Match(alert).Groups[1].Value), alert);
        }
        Assert.True(perPort.Count >= 5000, $"{perPort.Count} per-port lines");
        Assert.DoesNotContain(perPort, summarised.Contains);
        var reported = perPort.Concat(summarised.Ports()).Order().ToList();
        // Every watched port a probe reached is reported, and nothing else. Without retries, a
        // probe lost on the wire on a loaded machine reaches neither the listener nor the witness.
        // (The witness's own queue could overflow too, so reported ports may exceed what it saw.)
        // A socket opened in the victim during the scan takes its port out of the watch (an adminalert says so).
        var laterInUse = new PortSet();
        foreach (var line in listener.Receiver.Messages.Where(m => m.StartsWith("adminalert: audp no longer watches UDP ports", StringComparison.Ordinal)))
        {
            Assert.True(laterInUse.TryAdd(line[(line.LastIndexOf(": ", StringComparison.Ordinal) + 2)..]), line);
        }
        Assert.True(laterInUse.Count <= 2, $"{laterInUse} taken into use during the scan");
        var expected = arrived.Where(p => watched.Contains(p) && !laterInUse.Contains(p)).ToList();
        var shutdown = listener.Receiver.Messages.Single(m => m.Contains("shutting down", StringComparison.Ordinal));
        var missed = expected.Except(reported).ToList();
        Assert.True(missed.Count == 0, $"reached but not reported: {string.Join(',', missed)}; {shutdown}\n{string.Join('\n', listener.Receiver.Messages.Where(m => m.StartsWith("adminalert:", StringComparison.Ordinal)))}");
        Assert.All(reported, p => Assert.True(watched.Contains(p), $"port {p} is not watched"));
        Assert.True(expected.Count >= 65000, $"only {expected.Count} watched ports were reached by the scan");
        Assert.Contains(listener.Receiver.Messages, m => m.Contains("shutting down", StringComparison.Ordinal) && m.Contains(" kernel_drops=0 ", StringComparison.Ordinal));
        Console.WriteLine($"nmap -sU -T5 -p-: {perPort.Count} per-port lines + {summarised.Count} ports in summaries = {reported.Count} ports reported; {expected.Count} watched ports reached by probes, of {watched.Count} watched");
    }

    [GeneratedRegex(" ports=([0-9,-]+)$")]
    private static partial Regex Ports();
}
