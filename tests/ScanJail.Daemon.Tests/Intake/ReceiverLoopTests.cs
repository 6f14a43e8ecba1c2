using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Intake;

/// <summary>
/// A datagram receiver's failures are handled on the receiver's own thread when the engine loop is idle
/// (EngineInbox.WriterRunningLoop, docs/latency.md "Round 7"), a file's on the loop's thread. Pinned here
/// to the slow path: the same failures through a unix datagram socket and through a file, at the same time
/// and beside manual bans (control commands, loop work), give the same bans, each exactly once, in the
/// action and in the database.
/// </summary>
public sealed class ReceiverLoopTests : IDisposable
{
    private const int Banned = 40;
    private const int Below = 15;
    private const string Sentinel = "203.0.113.250";
    private readonly TestConfig _config = new();

    [Fact]
    public async Task Failures_from_a_datagram_socket_and_from_a_file_at_once_make_the_same_bans_each_once()
    {
        var socketPath = Path.Combine(_config.Dir, "alerts.sock");
        _config.WriteRecordAction();
        _config.TouchAuthLog();
        _config.WriteJailYaml($$"""
            defaults: { findtime: 10m, maxretry: 3, bantime: 1h }
            jails:
              by-file:
                source: { file: {{_config.AuthLog}} }
                filter: sshd
                actions: [record]
              by-datagram:
                source: { syslog: "unix:{{socketPath}}" }
                filter: sshd
                actions: [record]
            """);
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        // The file source has taken its start position once a first line is counted (lines written before are skipped).
        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure(Sentinel));
        await Wait.UntilAsync(async () => (await engine.ClientAsync("--json", "status", "by-file")).Stdout.Contains("\"totalFailed\":1,", StringComparison.Ordinal),
            "the file source's first line", engine);

        // Addresses below maxretry first: once the last ban is in, every earlier failure of either source was handled.
        var failures = Enumerable.Range(0, Below).SelectMany(i => Enumerable.Repeat(Below4(i), 2))
            .Concat(Enumerable.Range(0, 3).SelectMany(_ => Enumerable.Range(0, Banned).Select(Banned4))).ToList();
        var datagrams = Task.Run(async () =>
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
            foreach (var address in failures)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes($"<38>{TestConfig.SyslogNow()} host sshd[7]: Failed password for root from {address} port 52144 ssh2"));
            }
        });
        var lines = Task.Run(() =>
        {
            foreach (var chunk in failures.Chunk(10))
            {
                TestConfig.Append(_config.AuthLog, [.. chunk.Select(a => TestConfig.SshFailure(a))]);
            }
        });
        // Manual bans are loop work: they take the loop while the receiver's thread may be handling datagrams.
        var manual = Enumerable.Range(0, 3).Select(i => engine.ClientAsync("ban", "by-datagram", $"203.0.113.{200 + i}")).ToList();
        await Task.WhenAll(datagrams, lines);
        foreach (var result in await Task.WhenAll(manual))
        {
            Assert.True(result.Code == 0, result.Stderr);
        }

        var expected = Enumerable.Range(0, Banned).Select(Banned4).ToHashSet();
        await Wait.UntilAsync(() => BansIn("by-file").Count == Banned && BansIn("by-datagram").Count == Banned + 3, "every ban of both jails", engine);
        var byFile = BansIn("by-file");
        var byDatagram = BansIn("by-datagram");
        Assert.Equal(expected.Order(), byFile.Order());
        Assert.Equal(expected.Concat(Enumerable.Range(0, 3).Select(i => $"203.0.113.{200 + i}")).Order(), byDatagram.Order());
        Assert.Equal(byFile.Count, byFile.Distinct().Count());
        Assert.Equal(byDatagram.Count, byDatagram.Distinct().Count());

        // The database holds what the action got, and the addresses below maxretry are counted, not banned.
        foreach (var (jail, count) in new[] { ("by-file", Banned), ("by-datagram", Banned + 3) })
        {
            var (code, status, stderr) = await engine.ClientAsync("--json", "status", jail);
            Assert.True(code == 0, stderr);
            using var json = System.Text.Json.JsonDocument.Parse(status);
            var root = json.RootElement.TryGetProperty("result", out var result) ? result : json.RootElement;
            Assert.Equal(count, root.GetProperty("bannedAddresses").GetArrayLength());
            var below = jail == "by-file" ? Below + 1 : Below; // and the sentinel
            Assert.True(root.GetProperty("currentlyFailed").GetInt32() == below, $"{jail}: {status}\n{engine.Output}");
        }
        var rows = StateDatabase.Bans(Path.Combine(_config.Dir, "sj.db"));
        Assert.Equal(byFile.Select(a => ("by-file", a)).Concat(byDatagram.Select(a => ("by-datagram", a))).Order(), rows.Select(r => (r.Jail, r.Address)).Order());
    }

    private static string Banned4(int i) => string.Create(CultureInfo.InvariantCulture, $"198.51.100.{i + 1}");

    private static string Below4(int i) => string.Create(CultureInfo.InvariantCulture, $"203.0.113.{i + 1}");

    private List<string> BansIn(string jail) =>
        [.. _config.ActionLines().Where(l => l.StartsWith($"ban {jail} ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2])];

    public void Dispose() => _config.Dispose();
}
