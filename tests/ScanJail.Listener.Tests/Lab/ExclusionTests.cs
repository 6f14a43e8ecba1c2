using System.Net;
using System.Net.Sockets;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>What the listener must not report: ignored sources, ports of services started while it runs.</summary>
[Collection(LabGroup.Name)]
public sealed class ExclusionTests(LabNetwork lab)
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
        using var tcpService = NetNamespace.CreateSocket(lab.Victim, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Any, 700));
            s.Listen();
            return s;
        });
        using var udpService = NetNamespace.CreateSocket(lab.Victim, () =>
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

    [Fact]
    public async Task The_hosts_own_outgoing_connections_bring_no_alerts()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, """
            tcp: { mode: atcp, ports: "1-65535" }
            udp: { mode: audp, ports: "1-65535" }
            """);
        // The scanner serves TCP and UDP; the victim connects out and gets replies on ephemeral ports.
        using var server = NetNamespace.CreateSocket(lab.Scanner, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Any, 8080));
            s.Listen();
            return s;
        });
        using var echo = NetNamespace.CreateSocket(lab.Scanner, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, 5353));
            return s;
        });
        for (var i = 0; i < 5; i++)
        {
            using var client = NetNamespace.CreateSocket(lab.Victim, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            await client.ConnectAsync(IPAddress.Parse(LabNetwork.ScannerV4), 8080);
            using var accepted = await server.AcceptAsync();
            await accepted.SendAsync("hello"u8.ToArray());
            await client.ReceiveAsync(new byte[16]);
            using var udp = NetNamespace.CreateSocket(lab.Victim, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
            udp.Bind(new IPEndPoint(IPAddress.Any, 0));
            await udp.SendToAsync("q"u8.ToArray(), new IPEndPoint(IPAddress.Parse(LabNetwork.ScannerV4), 5353));
            var buffer = new byte[16];
            var got = await echo.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0));
            await echo.SendToAsync("a"u8.ToArray(), got.RemoteEndPoint);
            await udp.ReceiveAsync(buffer);
        }
        // A real probe afterwards proves the listener was watching all along.
        await lab.NmapAsync("-sS", "-p", "9", LabNetwork.VictimV4);
        await Wait.UntilAsync(() => listener.Alerts.Count >= 1, "the probe's line", listener.Diagnostics);
        await Task.Delay(500);
        var alert = Assert.Single(listener.Alerts);
        Assert.Contains("dport=9 kind=syn", alert, StringComparison.Ordinal);
    }
}
