using System.Globalization;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// <c>usedns</c> in a running engine, with a fail2ban filter whose <c>&lt;HOST&gt;</c> captures a name.
/// Only <c>localhost</c> is ever resolved (from /etc/hosts): no external DNS.
/// </summary>
public sealed class UseDnsTests : IDisposable
{
    private readonly TestConfig _config = new();

    private string FilterFile => Path.Combine(_config.Dir, "login.conf");

    [Fact]
    public async Task Yes_resolves_the_name_and_counts_the_failure_against_its_address()
    {
        await using var engine = await StartAsync("yes");
        TestConfig.Append(_config.AuthLog, "Failed login from localhost");

        // localhost is 127.0.0.1 (and ::1 where /etc/hosts says so); either address is banned.
        await Wait.UntilAsync(() => _config.ActionLines().Any(l => l is "ban web 127.0.0.1" or "ban web ::1"), "the ban of localhost's address", engine);
        var stats = await StatsAsync(engine);
        Assert.True(stats["failures.dns-resolved"] >= 1);
        Assert.Equal(0, stats["failures.dns-dropped"]);
    }

    [Fact]
    public async Task Warn_drops_names_counts_them_and_warns_once_per_name()
    {
        await using var engine = await StartAsync("warn");
        TestConfig.Append(_config.AuthLog, "Failed login from attacker.example", "Failed login from attacker.example", "Failed login from 192.0.2.9");

        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban web 192.0.2.9"), "the ban of the address", engine);
        await Wait.UntilAsync(async () => (await StatsAsync(engine))["failures.dns-dropped"] == 2, "two dropped names", engine);
        await Wait.UntilAsync(() => engine.Output.Contains("host name attacker.example", StringComparison.Ordinal), "the warning", engine);
        Assert.Equal(1, Occurrences(engine.Output, "host name attacker.example"));
        Assert.DoesNotContain(_config.ActionLines(), l => l.Contains("attacker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_drops_names_silently_and_counts_them()
    {
        await using var engine = await StartAsync("no");
        TestConfig.Append(_config.AuthLog, "Failed login from localhost", "Failed login from 192.0.2.10");

        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban web 192.0.2.10"), "the ban of the address", engine);
        await Wait.UntilAsync(async () => (await StatsAsync(engine))["failures.dns-dropped"] == 1, "one dropped name", engine);
        Assert.DoesNotContain("host name localhost", engine.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_config.ActionLines(), l => l.Contains("127.0.0.1", StringComparison.Ordinal));
    }

    private async Task<EngineProcess> StartAsync(string useDns)
    {
        File.WriteAllText(FilterFile, """
            [Definition]
            failregex = ^Failed login from <HOST>$
            """);
        _config.WriteRecordAction();
        _config.WriteJailYaml($$"""
            jails:
              web:
                source: { file: {{_config.AuthLog}} }
                filter: "{{FilterFile}}"
                maxretry: 1
                bantime: 1h
                ignoreip: []
                ignoreself: false
                usedns: {{useDns}}
                actions: [record]
            """);
        _config.TouchAuthLog();
        return await EngineProcess.StartAsync(_config.Dir);
    }

    private static async Task<Dictionary<string, long>> StatsAsync(EngineProcess engine)
    {
        var (_, text, _) = await engine.ClientAsync("stats");
        return text.Split('\n')
            .Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length == 2 && long.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    public void Dispose() => _config.Dispose();
}
