using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using ScanJail.Core.Control;
using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Control;

/// <summary>
/// 500 connections at once to the real engine's socket: slow ones that never finish their line,
/// malformed, oversized, partial-then-gone and good requests. Each gets an answer (its result, a usage
/// error, or "too many connections") or waits its turn; meanwhile a failure written to the log still bans.
/// The engine runs with a two-thread pool, so that blocking on the pool shows at once instead of now and then.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ControlStormTests : IDisposable
{
    private const string TooMany = "too many connections";
    private static readonly Dictionary<string, string> SmallPool = new() { ["DOTNET_ThreadPool_ForceMaxWorkerThreads"] = "2" };
    private readonly TestConfig _config = new TestConfig().WithAcceptanceJail(bantime: "1h");

    [Fact]
    public async Task A_storm_of_bad_slow_and_good_connections_is_answered_and_banning_goes_on()
    {
        _config.TouchAuthLog();
        // Two thread-pool workers, as a 2-core machine under load has before the pool grows: a read that
        // blocks a pool thread until something else on the pool runs deadlocks here at once, where with a
        // bigger pool it stalled the engine only now and then (it once stopped banning for over 120 s).
        await using var engine = await EngineProcess.StartAsync(_config.Dir, SmallPool, false);
        var slow = new List<RawConnection>();
        try
        {
            // 32 slow clients first (half the cap of 64): they hold served slots with half a line until the idle
            // timeout, and the storm still reaches the dispatcher and the engine loop through the other slots.
            for (var i = 0; i < 32; i++)
            {
                var connection = await ConnectAsync(engine.Socket);
                slow.Add(connection);
                await TrySendAsync(connection, "{\"command\":\"sta"u8.ToArray());
            }
            var kinds = Enumerable.Range(0, 400).Select(i => (i % 4) switch
            {
                0 => "{\"command\":\"status\"}\n",
                1 => "this is not json\n",
                2 => new string('x', ControlProtocol.MaxRequestBytes + 1000),
                _ => "{\"command\":\"ban\",\"jail\":\"ssh\",\"addr",
            }).ToArray();
            var storm = kinds.Select(StormOneAsync).ToArray();

            // During the storm, the log still drives a ban.
            var line = TestConfig.SshFailure("192.0.2.80");
            TestConfig.Append(_config.AuthLog, line, line, line);
            await WaitForBanAsync(engine, "192.0.2.80");

            var answers = await Task.WhenAll(storm);
            for (var i = 0; i < kinds.Length; i++)
            {
                var answer = answers[i];
                var refused = answer is { Ok: false } && answer.Error!.Contains(TooMany, StringComparison.Ordinal);
                switch (i % 4)
                {
                    case 0:
                        Assert.True(answer is { Ok: true } || refused, $"status #{i}: {Describe(answer)}");
                        break;
                    case 1:
                    case 2:
                        Assert.True(answer is { Ok: false, Code: "usage" } || refused, $"bad request #{i}: {Describe(answer)}");
                        break;
                    default:
                        // Closed mid-line: nothing to answer; if an answer came, it was the refusal.
                        Assert.True(answer is null || refused, $"partial request #{i}: {Describe(answer)}");
                        break;
                }
            }
            // The storm did reach the engine loop, not only the refusals: some status was answered.
            Assert.Contains(answers, a => a is { Ok: true });
            Assert.False(engine.HasExited);
        }
        finally
        {
            foreach (var connection in slow)
            {
                connection.Dispose();
            }
        }

        // Slots free up as the closes are seen; then every command works again, and nothing was banned by the partial bans.
        await Wait.UntilAsync(async () => (await engine.ClientAsync("status")).Code == 0, "the socket to answer after the storm", engine, seconds: 120);
        var (code, banned, _) = await engine.ClientAsync("banned");
        Assert.Equal(0, code);
        Assert.Equal(["ban ssh 192.0.2.80"], _config.ActionLines());
        Assert.Contains("192.0.2.80", banned, StringComparison.Ordinal);
    }

    // On a timeout the failure says how far the line got (lines read, failures, bans), to tell a stalled source from a stalled loop.
    private async Task WaitForBanAsync(EngineProcess engine, string address)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!_config.ActionLines().Contains($"ban ssh {address}"))
        {
            if (DateTime.UtcNow > deadline)
            {
                var (_, stats, _) = await engine.ClientAsync("stats");
                Assert.Fail($"Timed out after 120 s waiting for a ban during the storm.\nstats:\n{stats}\nEngine output:\n{engine.Output}");
            }
            await Task.Delay(20);
        }
    }

    private async Task<ControlResponse?> StormOneAsync(string request)
    {
        using var connection = await ConnectAsync(Path.Combine(_config.Dir, "sj.sock"));
        await TrySendAsync(connection, System.Text.Encoding.UTF8.GetBytes(request));
        if (!request.EndsWith('\n') && request.Length < ControlProtocol.MaxRequestBytes)
        {
            // The client gives up mid-line; a refusal may already be waiting.
            return connection.Socket.Available > 0 ? Parse(await connection.ReadLineAsync()) : null;
        }
        return Parse(await connection.ReadLineAsync());
    }

    // With the listen backlog full, a non-blocking unix connect fails with EAGAIN: the client waits its turn.
    private static async Task<RawConnection> ConnectAsync(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await RawConnection.OpenAsync(path);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.TryAgain && attempt < 200)
            {
                await Task.Delay(50);
            }
        }
    }

    private static async Task TrySendAsync(RawConnection connection, byte[] bytes)
    {
        try
        {
            await connection.SendAsync(bytes);
        }
        catch (SocketException)
        {
            // The engine refused or cut the connection already; its answer is still readable.
        }
    }

    private static ControlResponse? Parse(string? line) => line is null ? null : JsonSerializer.Deserialize<ControlResponse>(line, ControlProtocol.Json);

    private static string Describe(ControlResponse? answer) => answer is null ? "no answer" : $"ok={answer.Ok} code={answer.Code} error={answer.Error}";

    public void Dispose() => _config.Dispose();
}
