using System.Diagnostics;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// A real rsyslogd in the foreground running the shipped snippet packaging/rsyslog/10-scanjail-file.conf
/// as it is, with only its socket and file paths replaced by the test's own: the listener's lines
/// (program scanjail-listener) arrive on that imuxsock socket and go to one file the engine tails.
/// Not the machine's syslog: its own socket, pid file and work directory. Stopped by its PID.
/// </summary>
public sealed class RsyslogProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RsyslogProcess(Process process, string dir)
    {
        _process = process;
        Dir = dir;
    }

    public string Dir { get; }
    public string Socket => Path.Combine(Dir, "log.sock");
    public string LogFile => Path.Combine(Dir, "syslog.log");

    public static async Task<RsyslogProcess> StartAsync(string dir)
    {
        var conf = Path.Combine(dir, "rsyslog.conf");
        var snippet = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "packaging", "rsyslog", "10-scanjail-file.conf")))
            .Replace("/run/scanjail/rsyslog.sock", Path.Combine(dir, "log.sock"), StringComparison.Ordinal)
            .Replace("/var/log/scanjail/auth.log", Path.Combine(dir, "syslog.log"), StringComparison.Ordinal);
        // Debian's own rsyslog.conf loads imuxsock; a test configuration loads it without the system socket.
        await File.WriteAllTextAsync(conf, $"""
            global(workDirectory="{dir}")
            module(load="imuxsock" SysSock.Use="off")
            {snippet}
            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "syslog.log"), "");
        var start = new ProcessStartInfo("rsyslogd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["-n", "-f", conf, "-i", Path.Combine(dir, "rsyslogd.pid")])
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var rsyslog = new RsyslogProcess(process, dir);
        await Wait.UntilAsync(() => File.Exists(rsyslog.Socket) || process.HasExited, "rsyslogd's socket");
        Assert.False(process.HasExited, "rsyslogd exited");
        return rsyslog;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
