using System.Diagnostics;
using System.Text;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// The real scanjail-listener, started in the victim namespace with a test configuration whose
/// syslog target is a <see cref="SyslogReceiver"/> there. Stopped with SIGTERM by its PID.
/// </summary>
public sealed class ListenerProcess : IAsyncDisposable
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "scanjail-listener.dll");
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();
    private readonly string _dir;

    private ListenerProcess(Process process, SyslogReceiver receiver, string dir)
    {
        _process = process;
        Receiver = receiver;
        _dir = dir;
    }

    public SyslogReceiver Receiver { get; }

    /// <summary>The listener's own PID (`ip netns exec` execs it in place).</summary>
    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

    /// <summary>What the listener printed: with <c>echo</c>, every syslog line it sent.</summary>
    public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string Diagnostics() => $"listener stderr:\n{Stderr}\nsyslog lines:\n{string.Join('\n', Receiver.Messages.Take(40))}";

    public IReadOnlyList<string> Alerts => [.. Receiver.Messages.Where(m => m.StartsWith("attackalert:", StringComparison.Ordinal))];

    /// <summary>Starts the listener with <paramref name="yaml"/> plus a syslog target at a fresh port, and waits until it is listening.</summary>
    /// <param name="target">Another syslog target (for example rsyslogd's socket); <paramref name="targetText"/> then reads what arrived there.</param>
    public static async Task<ListenerProcess> StartAsync(LabNetwork lab, string yaml, string format = "scanjail", int? port = null,
        string? target = null, Func<string>? targetText = null, IReadOnlyDictionary<string, string>? environment = null, bool echo = false)
    {
        var receiverPort = port ?? Random.Shared.Next(20000, 30000);
        var receiver = new SyslogReceiver(lab.Victim, receiverPort);
        var dir = Directory.CreateTempSubdirectory("sjl-").FullName;
        var config = Path.Combine(dir, "listener.yaml");
        await File.WriteAllTextAsync(config, $"{yaml}\nsyslog: {{ target: \"{target ?? $"udp://127.0.0.1:{receiverPort}"}\", format: {format} }}\n");
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["netns", "exec", lab.Victim, "dotnet", Dll, "-c", config])
        {
            start.ArgumentList.Add(arg);
        }
        if (echo)
        {
            start.ArgumentList.Add("--echo");
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        var listener = new ListenerProcess(process, receiver, dir);
        process.ErrorDataReceived += (_, e) => { lock (listener._stderr) { listener._stderr.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, e) => { lock (listener._stdout) { listener._stdout.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        bool Started() => targetText is null
            ? receiver.Messages.Any(m => m.Contains("now active and listening", StringComparison.Ordinal))
            : targetText().Contains("now active and listening", StringComparison.Ordinal);
        await Wait.UntilAsync(() => Started() || process.HasExited,
            "the listener to start", listener.Diagnostics);
        Assert.False(process.HasExited, listener.Diagnostics());
        return listener;
    }

    /// <summary>SIGTERM, then waits for the shutdown line and the exit.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            await Run.Async("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(timeout.Token);
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Receiver.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
