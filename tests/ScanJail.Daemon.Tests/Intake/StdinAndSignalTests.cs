using System.Net.Sockets;
using System.Text;
using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Intake;

/// <summary><c>source: stdin</c> pipelines, the engine's own log file with SIGUSR1, and sd_notify readiness.</summary>
public sealed class StdinAndSignalTests : IDisposable
{
    private readonly TestConfig _config = new();

    [Fact]
    public async Task Lines_piped_to_stdin_ban()
    {
        _config.WriteRecordAction();
        _config.WriteJailYaml("""
            jails:
              ssh:
                enabled: true
                source: stdin
                filter: sshd
                maxretry: 2
                bantime: 1h
                actions: [record]
            """);
        await using var engine = await EngineProcess.StartAsync(_config.Dir, null, stdin: true);

        // What `tail -F /var/log/auth.log | scanjail run ...` delivers.
        await engine.Stdin.WriteLineAsync(TestConfig.SshFailure("192.0.2.20"));
        await engine.Stdin.WriteLineAsync(TestConfig.SshFailure("192.0.2.20"));
        await engine.Stdin.FlushAsync();

        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.20"), "the piped lines to ban", engine);
        var (_, status, _) = await engine.ClientAsync("status", "ssh");
        Assert.Contains("File list:\tstdin", status, StringComparison.Ordinal);

        // The pipe ending stops the source, not the engine: bans must still expire.
        engine.Stdin.Close();
        await Task.Delay(200);
        Assert.False(engine.HasExited);
        Assert.Equal(0, await engine.StopAsync());
    }

    [Fact]
    public async Task SIGUSR1_reopens_the_log_file_after_logrotate_renamed_it()
    {
        var log = Path.Combine(_config.Dir, "scanjail.log");
        _config.WithAcceptanceJail();
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir, "--log-file", log);
        Assert.Contains("Ready:", await File.ReadAllTextAsync(log), StringComparison.Ordinal);

        File.Move(log, log + ".1");
        engine.Signal("USR1");
        await Wait.UntilAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("SIGUSR1: log file", StringComparison.Ordinal), "a new log file", engine);

        Assert.Equal(0, (await engine.ClientAsync("ban", "ssh", "192.0.2.21")).Code);
        await Wait.UntilAsync(() => File.ReadAllText(log).Contains("192.0.2.21", StringComparison.Ordinal), "the ban in the new file", engine);
        Assert.DoesNotContain("192.0.2.21", await File.ReadAllTextAsync(log + ".1"), StringComparison.Ordinal);
        Assert.Equal(0, await engine.StopAsync());
        Assert.Contains("Stopped", await File.ReadAllTextAsync(log), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_engine_tells_systemd_it_is_ready_and_stopping()
    {
        var path = Path.Combine(_config.Dir, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(path));
        _config.WithAcceptanceJail();
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path }, stdin: false);

        Assert.Equal("READY=1\nSTATUS=Running", await ReceiveAsync(notify));
        // READY=1 comes once the control socket answers.
        Assert.Equal(0, (await engine.ClientAsync("status")).Code);

        var stopping = ReceiveAsync(notify);
        engine.Signal("TERM");
        Assert.Equal("STOPPING=1", await stopping);
        Assert.Equal(0, await engine.StopAsync());
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    public void Dispose() => _config.Dispose();
}
