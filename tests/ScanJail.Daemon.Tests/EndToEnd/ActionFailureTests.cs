namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>A failing action is retried and shown in status; it never delays another action nor loses the ban.</summary>
public sealed class ActionFailureTests : IDisposable
{
    private readonly TestConfig _config = new();

    [Fact]
    public async Task A_failing_action_shows_in_status_while_the_other_action_bans_at_once()
    {
        _config.WriteRecordAction();
        File.WriteAllText(Path.Combine(_config.Dir, "actions", "broken.yaml"), """
            ban: [sh, -c, 'echo "firewall tool exploded" >&2; exit 3']
            unban: [sh, -c, 'exit 3']
            """);
        _config.WriteSshJail("broken, record");
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure("192.0.2.200"));

        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.200"), "the working action", engine);
        await Wait.UntilAsync(async () => (await engine.ClientAsync("status", "ssh")).Stdout.Contains("action broken", StringComparison.Ordinal),
            "the failing action in status", engine);
        var (_, status, _) = await engine.ClientAsync("status", "ssh");
        Assert.Contains("firewall tool exploded", status, StringComparison.Ordinal);
        Assert.Contains("Banned IP list:\t192.0.2.200", status, StringComparison.Ordinal); // the ban stays

        var (_, stats, _) = await engine.ClientAsync("--json", "stats");
        Assert.Contains("\"action\":\"broken\"", stats, StringComparison.Ordinal);
    }

    public void Dispose() => _config.Dispose();
}
