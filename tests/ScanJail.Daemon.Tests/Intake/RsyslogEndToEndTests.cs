using ScanJail.Daemon.Tests.EndToEnd;
using ScanJail.Tests.Support;

namespace ScanJail.Daemon.Tests.Intake;

/// <summary>
/// The two paths of the issue with real rsyslogd processes, using the snippets shipped in
/// packaging/rsyslog with only their paths and ports replaced:
/// (a) program → rsyslog's socket → rsyslog writes a file → the engine tails it → ban;
/// (b) rsyslog forwards over TCP, RFC 5424, octet-counted → the engine's receiver → ban, origin in status.
/// The sender is util-linux logger for now; the listener (issue 3) can take its place.
/// </summary>
public sealed class RsyslogEndToEndTests : IDisposable
{
    private static string Failure(string address) => $"Failed password for invalid user admin from {address} port 52144 ssh2";
    private readonly TestConfig _config = new();

    [Fact]
    public async Task A_local_rsyslog_writes_the_file_the_engine_tails()
    {
        var socket = Path.Combine(_config.Dir, "rsyslog.sock");
        var file = Path.Combine(_config.Dir, "auth.log");
        var snippet = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "packaging/rsyslog/10-scanjail-file.conf")))
            .Replace("/run/scanjail/rsyslog.sock", socket, StringComparison.Ordinal)
            .Replace("/var/log/scanjail/auth.log", file, StringComparison.Ordinal);
        _config.WriteRecordAction();
        _config.WriteJailYaml($"""
            jails:
              ssh:
                enabled: true
                source: {"{"} file: {file} {"}"}
                filter: sshd
                maxretry: 3
                bantime: 1h
                actions: [record]
            """);
        await using var rsyslog = await RsyslogProcess.StartAsync(_config.Dir, "local", snippet, socket);
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        for (var i = 0; i < 3; i++)
        {
            await RsyslogProcess.LoggerAsync(socket, "sshd", 4242 + i, Failure("192.0.2.40"));
        }

        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.40"), $"a ban from the file rsyslog writes\nrsyslogd:\n{rsyslog.Output}", engine);
        var written = await File.ReadAllLinesAsync(file);
        Assert.Equal(3, written.Length);
        Assert.All(written, line => Assert.Matches(@"^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ sshd\[\d+\]: Failed password for invalid user admin from 192\.0\.2\.40 port 52144 ssh2$", line));
    }

    [Fact]
    public async Task A_forwarding_rsyslog_reaches_the_receiver_and_status_names_the_sending_host()
    {
        var port = FreePort.Tcp();
        var socket = Path.Combine(_config.Dir, "in.sock");
        var snippet = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "packaging/rsyslog/20-scanjail-forward.conf")))
            .Replace("target=\"192.0.2.1\" port=\"6514\"", $"target=\"127.0.0.1\" port=\"{port}\"", StringComparison.Ordinal);
        Assert.Contains($"port=\"{port}\"", snippet, StringComparison.Ordinal);
        _config.WriteRecordAction();
        _config.WriteJailYaml($"""
            jails:
              ssh:
                enabled: true
                source: {"{"} syslog: "tcp://127.0.0.1:{port}" {"}"}
                filter: sshd
                maxretry: 3
                bantime: 1h
                actions: [record]
            """);
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        await using var rsyslog = await RsyslogProcess.StartAsync(_config.Dir, "web1",
            $"input(type=\"imuxsock\" Socket=\"{socket}\" RateLimit.Interval=\"0\")\n{snippet}", socket, hostName: "web1");

        for (var i = 0; i < 3; i++)
        {
            await RsyslogProcess.LoggerAsync(socket, "sshd", 5151 + i, Failure("192.0.2.41"));
        }

        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.41"), $"a ban from the forwarded lines\nrsyslogd:\n{rsyslog.Output}", engine);
        var (code, status, _) = await engine.ClientAsync("status", "ssh");
        Assert.Equal(0, code);
        Assert.Contains($"File list:\ttcp://127.0.0.1:{port}", status, StringComparison.Ordinal);
        Assert.Contains("origin web1 (127.0.0.1): 3 failed, banned 192.0.2.41", status, StringComparison.Ordinal);
    }

    public void Dispose() => _config.Dispose();
}
