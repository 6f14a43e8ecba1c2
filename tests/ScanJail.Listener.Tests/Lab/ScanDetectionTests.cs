using System.Text.RegularExpressions;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// The listener against real nmap scans from a second namespace (root; ../shared/LAB.md). Each test
/// starts its own listener, so the suppress window of one scan never hides the next.
/// </summary>
[Collection(LabGroup.Name)]
public sealed partial class ScanDetectionTests(LabNetwork lab)
{
    private const string Advanced = """
        tcp: { mode: atcp, ports: "1-1024" }
        udp: { mode: audp, ports: "1-1024" }
        """;

    [Fact]
    public async Task The_issue_example_reports_a_syn_line_for_each_of_1024_ports_of_a_fast_syn_scan()
    {
        // Exactly the issue's listener.yaml, receiver at 127.0.0.1:5514 in the victim namespace.
        await using var listener = await ListenerProcess.StartAsync(lab, Advanced, port: 5514);
        await lab.NmapAsync("-sS", "-T4", "-p", "1-1024", LabNetwork.VictimV4);
        await WaitForPorts(listener, "syn", 1024);
        var ports = PortsOf(listener, "syn", "tcp");
        Assert.Equal(Enumerable.Range(1, 1024), ports.Order());
        Assert.All(listener.Alerts, a => Assert.Matches(
            $"^attackalert: src={Regex.Escape(LabNetwork.ScannerV4)} proto=tcp dport=\\d+ kind=syn mode=atcp sport=\\d+ dst={Regex.Escape(LabNetwork.VictimV4)}$", a));
        Assert.Equal(0, await listener.StopAsync());
        Assert.Contains(listener.Receiver.Messages, m => m.StartsWith("adminalert: scanjail-listener is shutting down", StringComparison.Ordinal) && m.Contains("kernel_drops=0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-sF", "fin")]
    [InlineData("-sN", "null")]
    [InlineData("-sX", "xmas")]
    [InlineData("-sT", "syn")]
    public async Task Each_tcp_scan_type_is_classified_on_every_port(string scan, string kind)
    {
        await using var listener = await ListenerProcess.StartAsync(lab, Advanced);
        await lab.NmapAsync(scan, "-T4", "-p", "1-1024", LabNetwork.VictimV4);
        await WaitForPorts(listener, kind, 1024);
        Assert.Equal(1024, PortsOf(listener, kind, "tcp").Count);
        Assert.DoesNotContain(listener.Alerts, a => !a.Contains($"kind={kind} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_udp_scan_is_reported_on_every_port()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, Advanced);
        await lab.NmapAsync("-sU", "-T5", "--max-retries", "1", "-p", "1-200", LabNetwork.VictimV4);
        await WaitForPorts(listener, "udp", 200);
        Assert.Equal(Enumerable.Range(1, 200), PortsOf(listener, "udp", "udp").Order());
    }

    [Fact]
    public async Task Ipv6_scans_are_seen_too()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, Advanced);
        await lab.NmapAsync("-6", "-sS", "-T4", "-p", "1-1024", LabNetwork.VictimV6);
        await WaitForPorts(listener, "syn", 1024);
        Assert.All(listener.Alerts, a => Assert.StartsWith($"attackalert: src={LabNetwork.ScannerV6} proto=tcp", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connect_to_a_bound_port_is_a_connect_line_and_the_banner_is_sent()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, """
            tcp: { mode: tcp, ports: "1,11,15,79,111", banner: "go away" }
            udp: { mode: udp, ports: "7,9" }
            """);
        var output = await lab.NmapAsync("-sT", "-sV", "--version-intensity", "0", "-p", "79", LabNetwork.VictimV4);
        await lab.NmapAsync("-sT", "-T4", "-p", "1,11,15,79,111", LabNetwork.VictimV4);
        await lab.NmapAsync("-sU", "-T4", "-p", "7,9", LabNetwork.VictimV4);
        await WaitForPorts(listener, "connect", 5);
        await WaitForPorts(listener, "udp", 2);
        Assert.Equal([1, 11, 15, 79, 111], PortsOf(listener, "connect", "tcp").Order());
        Assert.Equal([7, 9], PortsOf(listener, "udp", "udp").Order());
        Assert.Contains("79/tcp open", output, StringComparison.Ordinal);
    }

    private static async Task WaitForPorts(ListenerProcess listener, string kind, int count) =>
        await Wait.UntilAsync(() => listener.Alerts.Count(a => a.Contains($"kind={kind} ", StringComparison.Ordinal)) >= count,
            $"{count} kind={kind} lines (have {listener.Alerts.Count})", listener.Diagnostics);

    internal static HashSet<int> PortsOf(ListenerProcess listener, string kind, string proto) =>
        [.. listener.Alerts
            .Select(a => Line().Match(a))
            .Where(m => m.Success && m.Groups["kind"].Value == kind && m.Groups["proto"].Value == proto)
            .Select(m => int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex("proto=(?<proto>\\w+) dport=(?<port>\\d+) kind=(?<kind>\\w+)")]
    private static partial Regex Line();
}
