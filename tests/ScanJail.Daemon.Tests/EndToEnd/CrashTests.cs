namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// kill -9 of the real engine while bans are being made. The engine writes the bans of a batch of
/// messages in one SQLite transaction and releases their actions only after its commit, so any ban
/// whose action ran is in the database and enforced again after the restart.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly TestConfig _config = new();

    public CrashTests()
    {
        _config.WriteJailYaml($$"""
            jails:
              ssh: { source: { file: {{_config.AuthLog}}, from: start }, filter: sshd, maxretry: 1, bantime: 1h, actions: [record] }
            """);
        _config.WriteRecordAction();
        _config.TouchAuthLog();
    }

    [Fact]
    public async Task Every_manual_ban_whose_action_ran_before_a_kill_9_is_enforced_after_the_restart()
    {
        for (var round = 0; round < 2; round++)
        {
            var engine = await EngineProcess.StartAsync(_config.Dir);
            try
            {
                var addresses = Enumerable.Range(0, 8).Select(i => $"198.51.{100 + round}.{101 + i}").ToList();
                // No await: the kill lands while some of these are still on their way.
                var bans = addresses.Select(a => engine.ClientAsync("ban", "ssh", a)).ToList();
                await Wait.UntilAsync(() => _config.ActionLines().Any(l => addresses.Any(a => l == $"ban ssh {a}")), "a first ban action", engine);
                engine.Signal("KILL");
                await Task.WhenAll(bans.Select(b => b.ContinueWith(_ => { }, TaskScheduler.Default)));
                var actedOn = addresses.Where(a => _config.ActionLines().Contains($"ban ssh {a}")).ToList();
                Assert.NotEmpty(actedOn);
                await engine.DisposeAsync();

                engine = await EngineProcess.StartAsync(_config.Dir);
                var (code, banned, _) = await engine.ClientAsync("banned");
                Assert.Equal(0, code);
                foreach (var address in actedOn)
                {
                    Assert.Contains(address, banned, StringComparison.Ordinal);
                }
                // And the restored bans reach the action again (the firewall of a crashed host may have lost them).
                await Wait.UntilAsync(() => actedOn.All(a => _config.ActionLines().Count(l => l == $"ban ssh {a}") >= 2), "the restored bans' actions", engine);
            }
            finally
            {
                await engine.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_kill_9_in_a_burst_of_detected_bans_loses_none_of_them()
    {
        var addresses = Enumerable.Range(0, 40).Select(i => $"203.0.113.{100 + i}").ToList();
        var engine = await EngineProcess.StartAsync(_config.Dir);
        try
        {
            TestConfig.Append(_config.AuthLog, [.. addresses.Select(a => TestConfig.SshFailure(a))]);
            await Wait.UntilAsync(() => _config.ActionLines().Length > 0, "a first ban action", engine);
            engine.Signal("KILL");
            await engine.DisposeAsync();
            var actedOn = addresses.Where(a => _config.ActionLines().Contains($"ban ssh {a}")).ToList();
            Assert.NotEmpty(actedOn);

            // After the restart every address is banned exactly once in the database: those saved before the
            // kill are restored, the lines after the saved position are read again and ban the rest (from: start:
            // a kill before the first checkpoint leaves no position, and the file must not be taken up at its end).
            engine = await EngineProcess.StartAsync(_config.Dir);
            await Wait.UntilAsync(async () =>
            {
                var (_, banned, _) = await engine.ClientAsync("banned");
                return addresses.All(a => banned.Contains(a, StringComparison.Ordinal));
            }, "every address banned after the restart", engine);
            var (_, status, _) = await engine.ClientAsync("--json", "status", "ssh");
            Assert.Contains("\"currentlyBanned\":40", status.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
            // Every ban whose action ran was committed first: the restart restores at least those from the
            // database (one line per jail), and applies each of them again.
            var restored = System.Text.RegularExpressions.Regex.Match(engine.Output, @"\[ssh\] Restored (\d+) ban\(s\) from the database");
            Assert.True(restored.Success, engine.Output);
            Assert.True(int.Parse(restored.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= actedOn.Count,
                $"restored {restored.Groups[1].Value}, but {actedOn.Count} actions had run before the kill");
            await Wait.UntilAsync(() =>
            {
                var lines = _config.ActionLines();
                return actedOn.All(a => lines.Count(l => l == $"ban ssh {a}") >= 2);
            }, "every ban whose action ran applied again after the restart", engine);
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    public void Dispose() => _config.Dispose();
}
