using System.Text.Json;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>A restart neither misses nor double-counts a line: positions and failure counts are saved together.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly TestConfig _config = new TestConfig().WithAcceptanceJail(bantime: "1h");

    [Fact]
    public async Task Failures_before_a_restart_count_once_and_lines_written_while_down_are_read()
    {
        _config.TouchAuthLog();
        var engine = await EngineProcess.StartAsync(_config.Dir);
        try
        {
            TestConfig.Append(_config.AuthLog, TestConfig.SshFailure("198.51.100.20"));
            await Wait.UntilAsync(async () => await CurrentlyFailed(engine) == 1, "the first failure to be counted", engine);
            Assert.Equal(0, await engine.StopAsync());
            await engine.DisposeAsync();

            // Written while the engine is down: must be read after the restart, exactly once.
            TestConfig.Append(_config.AuthLog, TestConfig.SshFailure("198.51.100.20"));
            engine = await EngineProcess.StartAsync(_config.Dir);
            await Wait.UntilAsync(async () => await CurrentlyFailed(engine) == 2, "the restored and the new failure", engine);
            await Task.Delay(1500); // room for a wrongly repeated line to be counted
            Assert.Equal(2, await CurrentlyFailed(engine));
            Assert.DoesNotContain("ban ssh 198.51.100.20", _config.ActionLines());

            TestConfig.Append(_config.AuthLog, TestConfig.SshFailure("198.51.100.20"));
            await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 198.51.100.20"), "the ban at the third failure", engine);
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    private static async Task<int> CurrentlyFailed(EngineProcess engine)
    {
        var (code, stdout, _) = await engine.ClientAsync("--json", "status", "ssh");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var status = doc.RootElement.TryGetProperty("result", out var r) ? r : doc.RootElement;
        return status.GetProperty("currentlyFailed").GetInt32();
    }

    public void Dispose() => _config.Dispose();
}
