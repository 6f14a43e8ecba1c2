namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>reload and SIGHUP: a broken configuration is refused with its errors and the running one stays, bans included.</summary>
public sealed class ReloadTests : IDisposable
{
    private readonly TestConfig _config = new TestConfig().WithAcceptanceJail(bantime: "1h");

    [Fact]
    public async Task A_broken_configuration_is_refused_and_a_good_one_is_taken_without_dropping_bans()
    {
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        Assert.Equal(0, (await engine.ClientAsync("ban", "ssh", "192.0.2.50")).Code);
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.50"), "the manual ban", engine);

        _config.WriteJailYaml("""
            defaults:
              maxretry: -1
            jails:
              ssh:
                enabled: true
                source: { file: /nonexistent/auth.log }
                filter: no-such-filter
                colour: blue
            """);
        var (code, stdout, stderr) = await engine.ClientAsync("reload");
        Assert.Equal(1, code);
        var said = stdout + stderr;
        Assert.Contains("maxretry", said, StringComparison.Ordinal);
        Assert.Contains("no-such-filter", said, StringComparison.Ordinal);
        Assert.Contains("colour", said, StringComparison.Ordinal);

        engine.Signal("HUP");
        await Wait.UntilAsync(() => engine.Output.Contains("SIGHUP:", StringComparison.Ordinal), "the SIGHUP reload to be refused", engine);
        var hangup = engine.Output[engine.Output.IndexOf("SIGHUP:", StringComparison.Ordinal)..];
        Assert.Contains("fail:", engine.Output.Split('\n').First(l => l.Contains("SIGHUP:", StringComparison.Ordinal)), StringComparison.Ordinal); // logged as an error
        Assert.Contains("no-such-filter", hangup, StringComparison.Ordinal); // with the errors listed
        Assert.Contains("colour", hangup, StringComparison.Ordinal);
        Assert.False(engine.HasExited);

        // The old configuration still runs: its jail still counts and bans.
        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure("192.0.2.51"), TestConfig.SshFailure("192.0.2.51"), TestConfig.SshFailure("192.0.2.51"));
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.51"), "a ban under the old configuration", engine);

        // A good configuration with a lower maxretry is taken; the existing bans stay.
        _config.WithAcceptanceJail(bantime: "1h", extraJailKeys: "    maxretry: 1");
        Assert.Equal(0, (await engine.ClientAsync("reload")).Code);
        var (_, banned, _) = await engine.ClientAsync("banned");
        Assert.Contains("192.0.2.50", banned, StringComparison.Ordinal);
        Assert.Contains("192.0.2.51", banned, StringComparison.Ordinal);
        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure("192.0.2.52"));
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.52"), "a ban at the new maxretry of 1", engine);
    }

    [Fact]
    public async Task Reload_of_one_jail_and_of_an_unknown_jail()
    {
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        Assert.Equal(0, (await engine.ClientAsync("reload", "ssh")).Code);
        Assert.Equal(1, (await engine.ClientAsync("reload", "nosuchjail")).Code);
        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure("192.0.2.61"), TestConfig.SshFailure("192.0.2.61"), TestConfig.SshFailure("192.0.2.61"));
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.61"), "a ban after reloading the jail", engine);
    }

    public void Dispose() => _config.Dispose();
}
