using System.Diagnostics;
using System.Text;
using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Intake;

/// <summary>
/// A real rsyslogd owned by a test: <c>rsyslogd -n -f CONF -i PIDFILE</c> with its own work
/// directory, sockets and ports, never the system's (imuxsock's /dev/log socket is switched off).
/// Stopped with SIGTERM by its PID.
/// </summary>
public sealed class RsyslogProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RsyslogProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts rsyslogd in <paramref name="dir"/> with <paramref name="globals"/> (module loads and global()) followed by <paramref name="body"/>; waits for <paramref name="readyFile"/> (its input socket) to appear.</summary>
    public static async Task<RsyslogProcess> StartAsync(string dir, string name, string body, string readyFile, string? hostName = null)
    {
        var work = Directory.CreateDirectory(Path.Combine(dir, $"{name}-work")).FullName;
        var conf = Path.Combine(dir, $"{name}.conf");
        await File.WriteAllTextAsync(conf, $"""
            global(workDirectory="{work}"{(hostName is null ? "" : $" localHostname=\"{hostName}\"")})
            module(load="imuxsock" SysSock.Use="off")
            {body}
            """);
        var start = new ProcessStartInfo("rsyslogd") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-n", "-f", conf, "-i", Path.Combine(dir, $"{name}.pid") })
        {
            start.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = start };
        var rsyslog = new RsyslogProcess(process);
        process.OutputDataReceived += (_, e) => rsyslog.Append(e.Data);
        process.ErrorDataReceived += (_, e) => rsyslog.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Wait.UntilAsync(() => process.HasExited || File.Exists(readyFile), $"rsyslogd {name} to create {readyFile}");
        Assert.False(process.HasExited, $"rsyslogd {name} exited:\n{rsyslog.Output}");
        return rsyslog;
    }

    /// <summary>Sends one message with util-linux logger to <paramref name="socket"/>, as a local program's syslog(3) call would.</summary>
    public static async Task LoggerAsync(string socket, string tag, int pid, string message)
    {
        var start = new ProcessStartInfo("logger") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-u", socket, "-d", "--socket-errors=on", "-p", "auth.info", "-t", tag, $"--id={pid}", "--", message })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"logger failed: {errors}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }
}
