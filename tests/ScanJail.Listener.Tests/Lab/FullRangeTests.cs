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

    [GeneratedRegex(" ports=([0-9,-]+)$")]
    private static partial Regex Ports();
}
