using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Intake;

/// <summary>
/// Spoofing through syslog: a UDP datagram from an address outside the receiver's allow list is refused
/// and counted in stats, while the allowed sender's line bans. 127.0.0.2 is the second sender (all of
/// 127.0.0.0/8 is local on Linux). The TCP half is in <see cref="SyslogReceiverTests"/>.
/// </summary>
public sealed partial class SyslogAllowListTests : IDisposable
{
    private readonly TestConfig _config = new();

    [Fact]
    public async Task A_datagram_from_outside_the_allow_list_is_refused_and_counted_and_an_allowed_one_bans()
    {
        var udp = FreePort.Udp();
        _config.WriteRecordAction();
        _config.WriteJailYaml($"""
            jails:
              ssh:
                enabled: true
                source: {"{"} syslog: "udp://127.0.0.1:{udp}", allow: [127.0.0.2/32] {"}"}
                filter: sshd
                maxretry: 1
                bantime: 1h
                actions: [record]
            """);
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        var target = new IPEndPoint(IPAddress.Loopback, udp);

        using (var outsider = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            for (var i = 0; i < 3; i++)
            {
                await outsider.SendAsync(Line("192.0.2.90"), target);
            }
        }
        await Wait.UntilAsync(async () => Refused(await engine.ClientAsync("stats")) >= 3, "three refused datagrams in stats", engine, seconds: 120);

        using (var allowed = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0)))
        {
            // UDP may drop a datagram on a loaded machine: send again now and then (maxretry 1, one ban either way).
            var sent = DateTime.UtcNow.AddSeconds(-10);
            await Wait.UntilAsync(async () =>
            {
                if (DateTime.UtcNow - sent > TimeSpan.FromSeconds(5))
                {
                    await allowed.SendAsync(Line("192.0.2.91"), target);
                    sent = DateTime.UtcNow;
                }
                return _config.ActionLines().Contains("ban ssh 192.0.2.91");
            }, "the allowed sender's line to ban", engine, seconds: 120);
        }

        Assert.Equal(["ban ssh 192.0.2.91"], _config.ActionLines());
        var (_, status, _) = await engine.ClientAsync("status", "ssh");
        Assert.DoesNotContain("192.0.2.90", status, StringComparison.Ordinal);
        Assert.Equal(3, Refused(await engine.ClientAsync("stats")));
        // (Had one of the outsider's datagrams been lost, the wait above would have failed: all three were refused.)
    }

    private static byte[] Line(string address) =>
        Encoding.UTF8.GetBytes($"<38>{TestConfig.SyslogNow()} web1 sshd[1]: Failed password for root from {address} port 1 ssh2");

    private static long Refused((int Code, string Stdout, string Stderr) stats)
    {
        var match = RefusedLine().Match(stats.Stdout);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"sources\.refused\s+(\d+)")]
    private static partial Regex RefusedLine();

    public void Dispose() => _config.Dispose();
}
