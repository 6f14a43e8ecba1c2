using System.Net;
using System.Net.Sockets;
using ScanJail.Listener.Configuration;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>What the listener must not report: ignored sources, ports of services started while it runs.</summary>
[Collection(LabGroup.Name)]
public sealed partial class ExclusionTests(LabNetwork lab)
{
    [Fact]
    public async Task An_ignored_source_is_never_reported_and_another_one_is()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, $$"""
            tcp: { mode: atcp, ports: "1-1024" }
            ignore: [{{LabNetwork.ScannerV4}}/32]
            """);
        await lab.NmapAsync("-sS", "-T4", "-p", "1-200", LabNetwork.VictimV4);
        // The scanner's second address (192.0.2.3) is not ignored: its scan proves the listener was looking.
        await lab.NmapAsync("-sS", "-T4", "-S", "192.0.2.3", "-e", "sjs0", "-p", "1-200", LabNetwork.VictimV4);
        await Wait.UntilAsync(() => listener.Alerts.Count >= 200, "200 lines from 192.0.2.3", listener.Diagnostics);
        Assert.All(listener.Alerts, a => Assert.StartsWith("attackalert: src=192.0.2.3 ", a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_service_started_during_the_run_is_excluded_in_advanced_mode()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, """
            tcp: { mode: atcp, ports: "1-1024" }
            udp: { mode: audp, ports: "1-1024" }
            """);
        using var tcpService = NetNamespace.Inside(lab.Victim, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Any, 700));
            s.Listen();
            return s;
        });
        using var udpService = NetNamespace.Inside(lab.Victim, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, 701));
            return s;
        });
        await Wait.UntilAsync(() => listener.Receiver.Messages.Any(m => m.Contains("no longer watches TCP ports now in use by a local service: 700", StringComparison.Ordinal))
                && listener.Receiver.Messages.Any(m => m.Contains("no longer watches UDP ports now in use by a local service: 701", StringComparison.Ordinal)),
            "the listener to notice the new services", listener.Diagnostics);
        await lab.NmapAsync("-sS", "-T4", "-p", "690-710", LabNetwork.VictimV4);
        await lab.NmapAsync("-sU", "-T4", "-p", "690-710", LabNetwork.VictimV4);
        await Wait.UntilAsync(() => ScanDetectionTests.PortsOf(listener, "syn", "tcp").Count >= 20 && ScanDetectionTests.PortsOf(listener, "udp", "udp").Count >= 20,
            "20 TCP and 20 UDP lines", listener.Diagnostics);
        Assert.DoesNotContain(700, ScanDetectionTests.PortsOf(listener, "syn", "tcp"));
        Assert.DoesNotContain(701, ScanDetectionTests.PortsOf(listener, "udp", "udp"));
        Assert.Equal(20, ScanDetectionTests.PortsOf(listener, "syn", "tcp").Count);
        Assert.Equal(20, ScanDetectionTests.PortsOf(listener, "udp", "udp").Count);
    }

    /// <summary>
    /// The host's own outgoing TCP and UDP bring no alerts, with audp watching every port including
    /// the ephemeral range: hundreds of short-lived UDP queries (each socket closed at once), and
    /// late replies that arrive after the asking socket closed, over IPv4 and IPv6. A datagram to
    /// one of those ports from another peer (another address, or another port of the same
    /// address) is still a probe: the host's own flows are keyed by local port and remote address and port.
    /// </summary>
    [Fact]
    public async Task The_hosts_own_outgoing_connections_bring_no_alerts()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, """
            tcp: { mode: atcp, ports: "1-65535" }
            udp: { mode: audp, ports: "1-65535" }
            """);
        var scanner = IPAddress.Parse(LabNetwork.ScannerV4);
        using var server = NetNamespace.Inside(lab.Scanner, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Any, 8080));
            s.Listen();
            return s;
        });
        using var responder = UdpIn(lab.Scanner, new IPEndPoint(scanner, 5353));
        using var responder6 = UdpIn(lab.Scanner, new IPEndPoint(IPAddress.Parse(LabNetwork.ScannerV6), 5353));
        for (var i = 0; i < 5; i++)
        {
            using var client = NetNamespace.Inside(lab.Victim, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            await client.ConnectAsync(scanner, 8080);
            using var accepted = await server.AcceptAsync();
            await accepted.SendAsync("hello"u8.ToArray());
            await client.ReceiveAsync(new byte[16]);
        }
        // Short-lived queries answered while the asking socket is open (DNS-like, from ephemeral ports).
        for (var i = 0; i < 200; i++)
        {
            using var query = UdpIn(lab.Victim, new IPEndPoint(IPAddress.Any, 0));
            await query.SendToAsync("q"u8.ToArray(), responder.LocalEndPoint!);
            await AnswerAsync(responder);
            await query.ReceiveAsync(new byte[16]);
        }
        // Late replies: the asking socket is closed before the answer leaves the responder.
        var used = new List<int>();
        foreach (var (ask, from, family) in Enumerable.Repeat((responder, IPAddress.Any, "v4"), 20).Concat(Enumerable.Repeat((responder6, IPAddress.IPv6Any, "v6"), 10)))
        {
            var query = UdpIn(lab.Victim, new IPEndPoint(from, 0));
            await query.SendToAsync("q"u8.ToArray(), ask.LocalEndPoint!);
            var port = ((IPEndPoint)query.LocalEndPoint!).Port;
            query.Dispose();
            if (family == "v4")
            {
                used.Add(port);
            }
            await AnswerAsync(ask);
        }
        // The controls: the same local ports, from a peer the host never wrote to.
        using var otherAddress = UdpIn(lab.Scanner, new IPEndPoint(IPAddress.Parse("192.0.2.3"), 5353));
        using var otherPort = UdpIn(lab.Scanner, new IPEndPoint(scanner, 5354));
        var controls = used.Take(10).ToList();
        for (var i = 0; i < controls.Count; i++)
        {
            await (i < 5 ? otherAddress : otherPort).SendToAsync("p"u8.ToArray(), new IPEndPoint(IPAddress.Parse(LabNetwork.VictimV4), controls[i]));
        }
        // A real TCP probe afterwards proves the listener was watching all along.
        await lab.NmapAsync("-sS", "-p", "9", LabNetwork.VictimV4);
        await Wait.UntilAsync(() => listener.Alerts.Any(a => a.Contains("dport=9 kind=syn", StringComparison.Ordinal)), "the probe's line", listener.Diagnostics);
        Assert.Equal(0, await listener.StopAsync());
        // A control port the rescan happened to catch while its socket lived stays "in use" (60 s): not watched then.
        var inUse = new PortSet();
        foreach (var line in listener.Receiver.Messages.Where(m => m.StartsWith("adminalert: audp no longer watches UDP ports", StringComparison.Ordinal)))
        {
            Assert.True(inUse.TryAdd(line[(line.LastIndexOf(": ", StringComparison.Ordinal) + 2)..]), line);
        }
        var expected = controls.Where(p => !inUse.Contains(p)).ToList();
        Assert.True(expected.Count >= 8, $"{expected.Count} control ports left");
        var udpAlerts = listener.Alerts.Where(a => a.Contains("proto=udp", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected.Order(), ScanDetectionTests.PortsOf(listener, "udp", "udp").Order());
        Assert.Equal(expected.Count, udpAlerts.Count);
        Assert.All(udpAlerts, a => Assert.True(a.StartsWith("attackalert: src=192.0.2.3 ", StringComparison.Ordinal) || a.Contains("sport=5354 ", StringComparison.Ordinal), a));
        Assert.Single(listener.Alerts, a => a.Contains("proto=tcp", StringComparison.Ordinal));
        var shutdown = listener.Receiver.Messages.Single(m => m.Contains("shutting down", StringComparison.Ordinal));
        var replies = int.Parse(OwnReplies().Match(shutdown).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        // At least every late reply reached the raw socket and was recognised (most on-time ones too).
        Assert.True(replies >= 30, shutdown);
    }

    private static Socket UdpIn(string ns, IPEndPoint bind) => NetNamespace.Inside(ns, () =>
    {
        var s = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(bind);
        return s;
    });

    private static async Task AnswerAsync(Socket responder)
    {
        var got = await responder.ReceiveFromAsync(new byte[16], new IPEndPoint(responder.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
        await responder.SendToAsync("a"u8.ToArray(), got.RemoteEndPoint);
    }

    [System.Text.RegularExpressions.GeneratedRegex(" own_udp_replies=([0-9]+)")]
    private static partial System.Text.RegularExpressions.Regex OwnReplies();
}
