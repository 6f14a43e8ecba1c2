namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// A clean stop that takes longer than two seconds (an action's <c>stop</c> that is slow, as a firewall
/// flush of many bans on a loaded machine is) still exits 0 and runs to its end. The engine used to exit
/// 143 (130 for SIGINT) then: System.CommandLine's own signal handler ends the process when the command
/// has not returned 2 s after the signal, and the engine handles SIGTERM and SIGINT itself. Under
/// `ip netns exec` the firewall tests' stops were slow enough to show it.
/// </summary>
public sealed class SlowStopTests : IDisposable
{
    private readonly TestConfig _config = new();

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_stop_longer_than_two_seconds_finishes_and_exits_0(string signal)
    {
        var stopped = Path.Combine(_config.Dir, "stopped");
        File.WriteAllText(Path.Combine(_config.Dir, "actions", "slow-stop.yaml"), $"""
            ban:  [sh, -c, 'printf "ban %s\n" "$1" >> "$2"', slow, "<ip>", "{_config.ActionsLog}"]
            stop: [sh, -c, 'sleep 4; echo stopped > "$1"', slow, "{stopped}"]
            timeout: 30s
            """);
        _config.WriteSshJail("slow-stop");
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        var exit = await engine.StopAsync(signal);

        Assert.True(exit == 0, $"exit {exit} after SIG{signal}:\n{engine.Output}");
        Assert.True(File.Exists(stopped), "the action's stop ran to its end before the exit");
        Assert.Contains("Stopped", engine.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _config.Dispose();
}
