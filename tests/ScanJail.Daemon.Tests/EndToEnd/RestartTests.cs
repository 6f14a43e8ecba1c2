using System.Text.Json;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>A restart neither misses nor double-counts a line: positions and failure counts are saved together.</summary>
public sealed class RestartTests : IDisposable
{
    private const string A = "198.51.100.20";
    private const string B = "198.51.100.21";
    private readonly TestConfig _config = new TestConfig().WithAcceptanceJail(bantime: "1h");

    [Fact]
    public async Task Failures_before_a_restart_count_once_and_lines_written_while_down_are_read()
    {
        _config.TouchAuthLog();
        var engine = await EngineProcess.StartAsync(_config.Dir);
        try
        {
            TestConfig.Append(_config.AuthLog, TestConfig.SshFailure(A));
            await Wait.UntilAsync(async () => (await Status(engine)).TotalFailed == 1, "the first failure to be counted", engine);
            Assert.Equal(0, await engine.StopAsync());
            await engine.DisposeAsync();

            // Written while the engine is down: read after the restart, exactly once.
            TestConfig.Append(_config.AuthLog, TestConfig.SshFailure(B));
            engine = await EngineProcess.StartAsync(_config.Dir);
            await Wait.UntilAsync(async () => (await Status(engine)).TotalFailed == 1, "the line written while down", engine);
            // A's failure came back from the database (not by reading its line again): two addresses failing.
            Assert.Equal(2, (await Status(engine)).CurrentlyFailed);

            TestConfig.Append(_config.AuthLog, TestConfig.SshFailure(A));
            await Wait.UntilAsync(async () => (await Status(engine)).TotalFailed == 2, "A's second failure", engine);
            await Task.Delay(500);
            Assert.DoesNotContain($"ban ssh {A}", _config.ActionLines()); // 2 of 3: a re-read line would have banned

            TestConfig.Append(_config.AuthLog, TestConfig.SshFailure(A));
            await Wait.UntilAsync(() => _config.ActionLines().Contains($"ban ssh {A}"), "the ban at A's third failure", engine);
            Assert.DoesNotContain($"ban ssh {B}", _config.ActionLines());
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_ban_that_expired_while_the_engine_was_down_is_lifted_at_start()
    {
        _config.WithAcceptanceJail(bantime: "2s");
        _config.TouchAuthLog();
        var engine = await EngineProcess.StartAsync(_config.Dir);
        try
        {
            Assert.Equal(0, (await engine.ClientAsync("ban", "ssh", "192.0.2.33")).Code);
            await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.33"), "the ban", engine);
            Assert.Equal(0, await engine.StopAsync());
            await engine.DisposeAsync();
            Assert.DoesNotContain("unban ssh 192.0.2.33", _config.ActionLines());

            await Task.Delay(2500); // the ban ends while nothing runs
            engine = await EngineProcess.StartAsync(_config.Dir);
            await Wait.UntilAsync(() => _config.ActionLines().Contains("unban ssh 192.0.2.33"), "the unban at start", engine);
            var (_, banned, _) = await engine.ClientAsync("banned");
            Assert.DoesNotContain("192.0.2.33", banned, StringComparison.Ordinal);
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    private static async Task<(int CurrentlyFailed, long TotalFailed)> Status(EngineProcess engine)
    {
        var (code, stdout, _) = await engine.ClientAsync("--json", "status", "ssh");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var status = doc.RootElement;
        return (status.GetProperty("currentlyFailed").GetInt32(), status.GetProperty("totalFailed").GetInt64());
    }

    public void Dispose() => _config.Dispose();
}
