using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ScanJail.Daemon.Tests.Control;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// The real engine fed lines of 1 MB, invalid UTF-8, binary garbage, a last line without its newline,
/// and lines crafted against a configured regex that backtracks catastrophically: it keeps answering,
/// skips and counts what it cannot read, and later good lines still ban.
/// </summary>
public sealed partial class PathologicalInputTests : IDisposable
{
    // Generous: a status answer normally takes milliseconds; the regex work below lasts far longer than this.
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(20);
    private readonly TestConfig _config = new();

    private string SlowLog => Path.Combine(_config.Dir, "slow.log");

    [Fact]
    public async Task Huge_invalid_and_binary_lines_are_skipped_and_counted_and_later_lines_ban()
    {
        WriteConfig();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        using (var log = new FileStream(_config.AuthLog, FileMode.Append))
        {
            // 1 MB of an sshd failure: over the 8 KB maxline, dropped whole.
            log.Write(Encoding.ASCII.GetBytes(TestConfig.SshFailure("192.0.2.40", user: new string('u', 1024 * 1024)) + "\n"));
            // Invalid UTF-8 inside a failure: replaced and counted, the line still read.
            log.Write([.. Encoding.ASCII.GetBytes(TestConfig.SshFailure("192.0.2.41", user: "bad")[..^20]), 0xC3, 0x28, 0xFF, 0xFE, (byte)'\n']);
            // Binary garbage: every byte value but the newline.
            var garbage = Enumerable.Range(0, 4096).Select(i => (byte)(i % 256)).Where(b => b != (byte)'\n').ToArray();
            log.Write([.. garbage, (byte)'\n']);
        }
        var good = TestConfig.SshFailure("192.0.2.42");
        TestConfig.Append(_config.AuthLog, good, good, good);
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.42"), "the good lines after the garbage to ban", engine, seconds: 120);

        var stats = await StatsAsync(engine);
        Assert.True(stats["lines.too-long"] >= 1, engine.Output);
        Assert.True(stats["lines.invalid-utf8"] >= 1, engine.Output);
        Assert.DoesNotContain(_config.ActionLines(), l => l.Contains("192.0.2.40", StringComparison.Ordinal));
        Assert.False(engine.HasExited);
    }

    [Fact]
    public async Task A_last_line_without_its_newline_waits_whole_and_is_read_once_completed()
    {
        WriteConfig();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        var line = TestConfig.SshFailure("192.0.2.43");

        // Two whole failures and the third cut in two writes with no newline: it is not read half.
        File.AppendAllText(_config.AuthLog, line + "\n" + line + "\n" + line[..25]);
        await Wait.UntilAsync(async () => (await StatsAsync(engine))["lines.read"] >= 2, "the two whole lines", engine, seconds: 120);
        File.AppendAllText(_config.AuthLog, line[25..]);
        File.AppendAllText(_config.AuthLog, "\n");
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.43"), "the completed third line to ban", engine, seconds: 120);

        var stats = await StatsAsync(engine);
        Assert.Equal(3, stats["lines.read"]);
        Assert.Equal(0, stats["lines.missed"]);
    }

    [Fact]
    public async Task A_catastrophic_regex_times_out_each_crafted_line_while_the_engine_answers_and_bans()
    {
        WriteConfig();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        // At least 30 s of regex time (60 lines at the 500 ms timeout), longer than the answer bound.
        const int crafted = 60;
        // (\w+\s?)*$ against a long word ending in '!' tries every split of the word: far past the 500 ms timeout.
        var evil = $"{TestConfig.SyslogNow()} host app[1]: login {new string('a', 80)}! from 192.0.2.44";
        TestConfig.Append(SlowLog, [.. Enumerable.Repeat(evil, crafted)]);

        // While the crafted lines burn their timeouts, the control socket answers and another jail bans.
        var good = TestConfig.SshFailure("192.0.2.45");
        TestConfig.Append(_config.AuthLog, good, good, good);
        var slowest = TimeSpan.Zero;
        var asked = 0;
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (!_config.ActionLines().Contains("ban ssh 192.0.2.45") || asked < 3)
        {
            var clock = Stopwatch.StartNew();
            using var connection = await RawConnection.OpenAsync(engine.Socket);
            Assert.True((await connection.AskAsync("{\"command\":\"status\"}")).Ok);
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            asked++;
            Assert.True(DateTime.UtcNow < deadline, "the good lines did not ban\n" + engine.Output);
            await Task.Delay(100);
        }
        Assert.True(slowest < AnswerBound, $"a status answer took {slowest}");

        await Wait.UntilAsync(async () => (await StatsAsync(engine))["lines.regex-timeout"] >= crafted, "every crafted line to time out", engine, seconds: 240);
        // A sane line of the same jail still matches afterwards.
        TestConfig.Append(SlowLog, $"{TestConfig.SyslogNow()} host app[1]: login alice from 192.0.2.46");
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban slow 192.0.2.46"), "a sane line of the slow jail to ban", engine, seconds: 120);
        Assert.DoesNotContain("ban slow 192.0.2.44", _config.ActionLines());
    }

    private void WriteConfig()
    {
        _config.TouchAuthLog();
        File.WriteAllText(SlowLog, "");
        Directory.CreateDirectory(Path.Combine(_config.Dir, "filters"));
        // The lookahead keeps this pattern off the linear-time engine: only the timeout guards it.
        File.WriteAllText(Path.Combine(_config.Dir, "filters", "slow.yaml"), """
            failregex:
              - 'app\[\d+\]: (?=login)login (?<user>(\w+\s?)*) from <HOST>$'
            """);
        _config.WriteRecordAction();
        _config.WriteJailYaml($"""
            defaults: {"{"} findtime: 10m, maxretry: 3, bantime: 1h {"}"}
            jails:
              ssh:
                source: {_config.AuthLog}
                filter: sshd
                actions: [record]
              slow:
                source: {SlowLog}
                filter: slow
                maxretry: 1
                actions: [record]
            """);
    }

    private static async Task<Dictionary<string, long>> StatsAsync(EngineProcess engine)
    {
        var (_, text, _) = await engine.ClientAsync("stats");
        return CounterLine().Matches(text).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^\s*([a-z0-9.-]+)\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex CounterLine();

    public void Dispose() => _config.Dispose();
}
