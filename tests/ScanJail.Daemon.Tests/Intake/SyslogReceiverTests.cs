using System.Net;
using System.Net.Sockets;
using System.Text;
using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Intake;

/// <summary>The syslog receiver in the real engine: UDP, TCP (octet counting and LF framing), a unix socket, shared addresses, the allow list, origins in status.</summary>
public sealed class SyslogReceiverTests : IDisposable
{
    private readonly TestConfig _config = new();

    [Fact]
    public async Task Forwarded_sshd_lines_over_udp_and_tcp_ban_and_status_shows_their_origin()
    {
        var udp = FreePort.Udp();
        var tcp = FreePort.Tcp();
        var unix = Path.Combine(_config.Dir, "log.sock");
        _config.WriteRecordAction();
        // Two jails share the UDP receiver; the unix socket feeds the second one too.
        _config.WriteJailYaml($"""
            defaults: {"{"} findtime: 10m, maxretry: 3, bantime: 1h {"}"}
            jails:
              ssh:
                enabled: true
                source: [{"{"} syslog: "udp://127.0.0.1:{udp}" {"}"}, {"{"} syslog: "tcp://127.0.0.1:{tcp}" {"}"}]
                filter: sshd
                actions: [record]
              ssh-too:
                enabled: true
                source: [{"{"} syslog: "udp://127.0.0.1:{udp}" {"}"}, {"{"} syslog: "unix:{unix}" {"}"}]
                filter: sshd
                maxretry: 2
                actions: [record]
            """);
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        // RFC 3164 over UDP, as rsyslog's default forwarding sends it.
        using (var sender = new UdpClient())
        {
            var line = $"<38>{TestConfig.SyslogNow()} web1 sshd[101]: Failed password for invalid user admin from 192.0.2.10 port 52144 ssh2";
            var bytes = Encoding.UTF8.GetBytes(line);
            for (var i = 0; i < 2; i++)
            {
                await sender.SendAsync(bytes, new IPEndPoint(IPAddress.Loopback, udp));
            }
        }
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh-too 192.0.2.10"), "the shared UDP receiver to feed ssh-too", engine);

        // RFC 5424 with structured data, octet-counted over TCP: the third failure for ssh.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, tcp);
            var msg = $"<38>1 {DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'} mail1 sshd 202 - [meta sequenceId=\"1\"] Failed password for root from 192.0.2.10 port 40000 ssh2";
            var frame = Encoding.UTF8.GetBytes($"{Encoding.UTF8.GetByteCount(msg)} {msg}");
            await client.GetStream().WriteAsync(frame);
        }
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.10"), "the TCP line to make the third failure", engine);

        var (code, status, _) = await engine.ClientAsync("status", "ssh");
        Assert.Equal(0, code);
        Assert.Contains($"udp://127.0.0.1:{udp} tcp://127.0.0.1:{tcp}", status, StringComparison.Ordinal);
        Assert.Contains("origin web1 (127.0.0.1): 2 failed", status, StringComparison.Ordinal);
        Assert.Contains("origin mail1 (127.0.0.1): 1 failed, banned 192.0.2.10", status, StringComparison.Ordinal);

        // glibc's format on the unix datagram socket (no host name): origin "local".
        using (var local = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
        {
            local.Connect(new UnixDomainSocketEndPoint(unix));
            var line = Encoding.UTF8.GetBytes($"<38>{TestConfig.SyslogNow()} sshd[303]: Invalid user bob from 192.0.2.11 port 1");
            local.Send(line);
            local.Send(line);
        }
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh-too 192.0.2.11"), "the unix socket line", engine);
        var (_, tooStatus, _) = await engine.ClientAsync("status", "ssh-too");
        Assert.Contains("origin local: 2 failed, banned 192.0.2.11", tooStatus, StringComparison.Ordinal);

        Assert.Equal(0, await engine.StopAsync());
        Assert.False(File.Exists(unix), "the unix socket is removed at stop");
    }

    [Fact]
    public async Task Senders_outside_the_allow_list_are_refused_and_counted()
    {
        var tcp = FreePort.Tcp();
        _config.WriteRecordAction();
        _config.WriteJailYaml($"""
            jails:
              ssh:
                enabled: true
                source: {"{"} syslog: "tcp://127.0.0.1:{tcp}", allow: [127.0.0.2/32] {"}"}
                filter: sshd
                maxretry: 1
                actions: [record]
            """);
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, tcp);
            var line = $"<38>{TestConfig.SyslogNow()} web1 sshd[1]: Failed password for root from 192.0.2.12 port 1 ssh2\n";
            try
            {
                await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(line));
            }
            catch (IOException)
            {
                // The engine may have closed the connection already.
            }
        }
        await Wait.UntilAsync(async () => System.Text.RegularExpressions.Regex.IsMatch((await engine.ClientAsync("stats")).Stdout, @"sources\.refused\s+1\n"),
            "the refusal to be counted", engine);

        // From 127.0.0.2 (inside the allow list) the same line is taken.
        using (var client = new TcpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0)))
        {
            await client.ConnectAsync(IPAddress.Loopback, tcp);
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes($"<38>{TestConfig.SyslogNow()} web2 sshd[1]: Failed password for root from 192.0.2.13 port 1 ssh2\n"));
        }
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.13"), "the allowed sender's line", engine);
        Assert.DoesNotContain("ban ssh 192.0.2.12", _config.ActionLines());
    }

    [Fact]
    public async Task A_public_address_without_an_allow_list_is_a_configuration_error()
    {
        _config.WriteJailYaml("""
            jails:
              ssh:
                enabled: true
                source: { syslog: "udp://0.0.0.0:5514" }
                filter: sshd
            """);

        var (code, stdout, stderr) = await EngineProcess.RunToEndAsync("check", "-c", _config.Dir);

        Assert.Equal(78, code);
        Assert.Contains("plain syslog can be spoofed", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("jail.yaml:4:", stdout + stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _config.Dispose();
}
