using System.Text.Json;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary><c>scanjail regex LOG FILTER</c>, the filter tester, run as the real program.</summary>
public sealed class RegexCommandTests : IDisposable
{
    private readonly TestConfig _config = new();
    private string Log => Path.Combine(_config.Dir, "test.log");

    public RegexCommandTests()
    {
        File.WriteAllLines(Log,
        [
            "2026-11-21T10:00:01+00:00 host sshd[1]: Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2",
            "2026-11-21T10:00:02+00:00 host CRON[2]: pam_unix(cron:session): session opened for user root",
            "2026-11-21T10:00:03+00:00 host sshd[1]: Failed password for root from 2001:db8::7 port 52145 ssh2",
            "2026-11-21T10:00:04+00:00 host sshd[1]: Failed password for invalid user x from 198.51.100.7 from 203.0.113.10 port 1 ssh2",
            "2026-11-21T10:00:05+00:00 host sshd[1]: Accepted publickey for root from 192.0.2.1 port 22 ssh2",
        ]);
    }

    [Fact]
    public async Task Json_gives_counts_and_every_match_with_line_host_and_time()
    {
        var (code, stdout, stderr) = await EngineProcess.RunToEndAsync("regex", Log, "sshd", "-c", _config.Dir, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(5, root.GetProperty("lines").GetInt32());
        Assert.Equal(3, root.GetProperty("matched").GetInt32());
        Assert.Equal(0, root.GetProperty("ignored").GetInt32());
        Assert.Equal(2, root.GetProperty("missed").GetInt32());
        var matches = root.GetProperty("matches").EnumerateArray()
            .Select(m => (m.GetProperty("line").GetInt32(), m.GetProperty("host").GetString(), DateTimeOffset.Parse(m.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(
            [
                (1, "203.0.113.9", new DateTimeOffset(2026, 11, 21, 10, 0, 1, TimeSpan.Zero)),
                (3, "2001:db8::7", new DateTimeOffset(2026, 11, 21, 10, 0, 3, TimeSpan.Zero)),
                (4, "203.0.113.10", new DateTimeOffset(2026, 11, 21, 10, 0, 4, TimeSpan.Zero)), // never the injected 198.51.100.7
            ],
            matches);
    }

    [Fact]
    public async Task Text_output_reads_like_fail2ban_regex_and_a_filter_path_works_too()
    {
        var filterPath = Path.Combine(EngineProcess.BinDir, "filters", "sshd.yaml");
        var (code, stdout, _) = await EngineProcess.RunToEndAsync("regex", Log, filterPath, "-c", _config.Dir);
        Assert.Equal(0, code);
        Assert.Contains("Lines: 5 lines, 0 ignored, 3 matched, 2 missed", stdout, StringComparison.Ordinal);
        Assert.Contains("203.0.113.9", stdout, StringComparison.Ordinal);
        var hosts = stdout.Split("Hosts:")[1].Split("Matched lines")[0];
        Assert.Contains("203.0.113.10", hosts, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.7", hosts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_filter_or_log_is_exit_66()
    {
        Assert.Equal(66, (await EngineProcess.RunToEndAsync("regex", Log, "no-such-filter", "-c", _config.Dir)).Code);
        Assert.Equal(66, (await EngineProcess.RunToEndAsync("regex", Log + ".missing", "sshd", "-c", _config.Dir)).Code);
    }

    public void Dispose() => _config.Dispose();
}
