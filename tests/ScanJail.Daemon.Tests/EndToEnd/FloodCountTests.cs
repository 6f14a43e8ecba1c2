using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// A million sshd failures from a million addresses written as fast as the disk takes them: the real
/// engine counts every line exactly once, and what waits between the reader and the loop stays
/// within the back-pressure bound (the reader waits; nothing is dropped). Memory is printed, not asserted.
/// </summary>
public sealed partial class FloodCountTests(ITestOutputHelper output) : IDisposable
{
    private const int Lines = 1_000_000;

    /// <summary>
    /// Failures that may be read but not yet counted by the loop: the source-to-router channel (4,096
    /// lines), the engine inbox lane (1,024 messages of at most 256 failures), the router's batch in hand
    /// and the message being handled. Without back-pressure the router runs a million lines ahead.
    /// </summary>
    private const long InFlightBound = 4096 + (1024 + 2) * 256;

    private readonly TestConfig _config = new();

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public async Task A_million_failures_written_fast_are_each_counted_exactly_once(int writes)
    {
        WriteJail($"{{ file: {_config.AuthLog} }}");
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        // Ready means the source has its start offset (the end of the empty file): all that follows is new.
        AppendFailures(_config.AuthLog, Lines, writes, subnet: 10);

        var stats = await WaitCountedAsync(engine, Lines);
        Assert.Equal(Lines, stats["lines.read"]);
        Assert.Equal(Lines, stats["lines.matched"]);
        Assert.Equal(Lines, stats["failures"]);
    }

    [Fact]
    public async Task Ready_is_not_held_by_a_backlog_and_a_file_appended_after_it_is_read_whole()
    {
        var logs = Directory.CreateDirectory(Path.Combine(_config.Dir, "logs")).FullName;
        var backlogged = Path.Combine(logs, "a.log");
        var other = Path.Combine(logs, "b.log");
        File.WriteAllText(backlogged, "");
        File.WriteAllText(other, "");
        WriteJail($"{{ file: \"{logs}/*.log\" }}");
        await using (var first = await EngineProcess.StartAsync(_config.Dir))
        {
            AppendFailures(backlogged, 1, 1, subnet: 11);
            await WaitCountedAsync(first, 1);
            Assert.Equal(0, await first.StopAsync()); // saves a.log's position
        }

        // Written while the engine is down: a backlog that takes the restarted engine a while to read.
        AppendFailures(backlogged, Lines, 1, subnet: 10);
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        // b.log has no saved position, so it starts at its end: Ready must mean that end was taken.
        AppendFailures(other, 1000, 1, subnet: 12);

        var stats = await WaitCountedAsync(engine, Lines + 1000);
        Assert.Equal(Lines + 1000, stats["lines.read"]);
    }

    [Fact]
    public async Task A_burst_of_datagrams_routed_on_the_receivers_thread_is_counted_exactly_once_with_a_huge_maxretry()
    {
        // The datagram receiver's router runs on its thread when it waits for a line, and the receiver
        // waits when the lane is full: 50,000 alerts fill every buffer on the way. A unix datagram sender
        // blocks while the receiver's queue is full, so none is lost. maxretry 1,000,000 once sized the
        // counter's table at 8 GB for 1,024 addresses and stopped the loop.
        const int Datagrams = 50_000;
        var socket = Path.Combine(_config.Dir, "alerts.sock");
        _config.WriteJailYaml($$"""
            jails:
              ssh:
                enabled: true
                source: { syslog: "unix:{{socket}}" }
                filter: sshd
                findtime: 1h
                maxretry: 1000000
                bantime: 1h
                actions: [record]
            """);
        _config.WriteRecordAction();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        using (var sender = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified))
        {
            sender.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
            var stamp = TestConfig.SyslogNow();
            for (var i = 0; i < Datagrams; i++)
            {
                sender.Send(Encoding.UTF8.GetBytes(
                    $"<38>{stamp} sshd[123]: Failed password for invalid user admin from 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255} port 52144 ssh2"));
            }
        }

        var stats = await WaitCountedAsync(engine, Datagrams);
        Assert.Equal(Datagrams, stats["lines.matched"]);
        Assert.Equal(0, stats["bans"]);
        Assert.Equal(0, stats["engine.errors"]);
    }

    private void WriteJail(string source)
    {
        _config.WriteJailYaml($"""
            defaults:
              findtime: 10m
              maxretry: 3
              bantime: 1h
            jails:
              ssh:
                enabled: true
                source: {source}
                filter: sshd
                actions: [record]
            """);
        _config.WriteRecordAction();
    }

    // One failure per address 10.x.y.z (or another first byte), written in `writes` write() calls.
    private static void AppendFailures(string path, int count, int writes, int subnet)
    {
        var stamp = TestConfig.SyslogNow();
        using var handle = File.OpenHandle(path, FileMode.Append, FileAccess.Write);
        var offset = RandomAccess.GetLength(handle);
        var perWrite = (count + writes - 1) / writes;
        for (var start = 0; start < count; start += perWrite)
        {
            var text = new StringBuilder();
            for (var i = start; i < Math.Min(count, start + perWrite); i++)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"{stamp} host sshd[123]: Failed password for invalid user admin from {subnet}.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255} port 52144 ssh2\n");
            }
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            RandomAccess.Write(handle, bytes, offset);
            offset += bytes.Length;
        }
    }

    // Polls stats until the loop has counted `failures`, checking at every poll that the reader stayed
    // within the back-pressure bound; then waits a little longer so that a line counted twice shows.
    private async Task<Dictionary<string, long>> WaitCountedAsync(EngineProcess engine, long failures)
    {
        var stats = new Dictionary<string, long>();
        long widest = 0;
        await Wait.UntilAsync(async () =>
        {
            stats = await StatsAsync(engine);
            var counted = stats["failures"] + stats["failures.while-banned"] + stats["failures.ignored-address"];
            widest = Math.Max(widest, stats["lines.matched"] - counted);
            Assert.True(stats["lines.matched"] - counted <= InFlightBound,
                $"{stats["lines.matched"]} lines matched but {counted} failures counted: the reader ran ahead of the loop");
            return counted >= failures;
        }, $"{failures} failures counted", engine, seconds: 300);
        await Task.Delay(TimeSpan.FromSeconds(2));
        stats = await StatsAsync(engine);
        Assert.Equal(failures, stats["failures"]);
        output.WriteLine($"widest gap between matched and counted: {widest}; engine peak RSS: {PeakRss(engine.Pid) / 1024} MB");
        return stats;
    }

    private static async Task<Dictionary<string, long>> StatsAsync(EngineProcess engine)
    {
        var (code, stdout, stderr) = await engine.ClientAsync("stats");
        Assert.True(code == 0, stderr);
        return StatLine().Matches(stdout).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static long PeakRss(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).FirstOrDefault();

    [GeneratedRegex(@"^([a-z.\-]+)\s+(\d+)$", RegexOptions.Multiline)]
    private static partial Regex StatLine();

    public void Dispose() => _config.Dispose();
}
