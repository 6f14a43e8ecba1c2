using System.Diagnostics;
using System.Text;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// The real <c>scanjail</c> program started as a child process on a test configuration directory,
/// with its control socket and database inside that directory. Output is collected for assertions
/// and for the failure message of a test.
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private EngineProcess(System.Diagnostics.Process process, string dir)
    {
        _process = process;
        Dir = dir;
    }

    public string Dir { get; }
    public string Socket => Path.Combine(Dir, "sj.sock");
    public string Database => Path.Combine(Dir, "sj.db");
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The engine's standard input, when started with a pipe to it.</summary>
    public StreamWriter Stdin => _process.StandardInput;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static string BinDir => AppContext.BaseDirectory;

    /// <summary>Starts <c>scanjail run -c DIR</c> and waits until its control socket answers.</summary>
    public static Task<EngineProcess> StartAsync(string dir, params string[] extra) => StartCoreAsync(dir, null, null, false, extra);

    /// <summary>
    /// Starts <c>scanjail run</c> through <paramref name="wrapper"/> (a program that ends by exec'ing its
    /// arguments, such as <c>unshare -m sh -c 'mount ...; exec "$0" "$@"'</c>, so the PID stays the
    /// engine's) with its database at <paramref name="database"/>.
    /// </summary>
    public static Task<EngineProcess> StartWrappedAsync(string dir, IReadOnlyList<string> wrapper, string database) =>
        StartCoreAsync(dir, wrapper, null, false, [], database);

    /// <summary>As above, with extra environment variables and, when <paramref name="stdin"/>, a pipe to the engine's standard input (<see cref="Stdin"/>).</summary>
    public static Task<EngineProcess> StartAsync(string dir, IReadOnlyDictionary<string, string>? environment, bool stdin, params string[] extra) =>
        StartCoreAsync(dir, null, environment, stdin, extra);

    /// <summary>
    /// Starts <c>scanjail run</c> inside the network namespace <paramref name="netns"/> (<c>ip netns exec</c>, when not
    /// null) with <paramref name="environment"/> added to its own, and waits until its control socket answers.
    /// </summary>
    public static Task<EngineProcess> StartWithAsync(string dir, string? netns, IReadOnlyDictionary<string, string>? environment, params string[] extra) =>
        StartCoreAsync(dir, netns is null ? null : ["ip", "netns", "exec", netns], environment, false, extra);

    private static async Task<EngineProcess> StartCoreAsync(string dir, IReadOnlyList<string>? wrapper, IReadOnlyDictionary<string, string>? environment, bool stdin, string[] extra,
        string? database = null)
    {
        var engine = Launch(dir, wrapper, environment, stdin,
            ["run", "-c", dir, "--socket", Path.Combine(dir, "sj.sock"), "--db", database ?? Path.Combine(dir, "sj.db"), "--log-level", "Debug", .. extra]);
        try
        {
            await Wait.UntilAsync(() => engine.HasExited || engine.Output.Contains("Ready:", StringComparison.Ordinal), "the engine to start", engine);
        }
        catch
        {
            // The caller never gets the process to dispose: end it here, or it outlives the test.
            await engine.DisposeAsync();
            throw;
        }
        if (engine.HasExited)
        {
            throw new InvalidOperationException($"scanjail exited with {engine._process.ExitCode}:\n{engine.Output}");
        }
        return engine;
    }

    /// <summary>Runs <c>scanjail ARGS</c> to completion (check, regex), returning its exit code and output.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunToEndAsync(params string[] args)
    {
        return await Cli.RunAsync(Path.Combine(BinDir, "scanjail.dll"), args);
    }

    private static EngineProcess Launch(string dir, IReadOnlyList<string>? wrapper, IReadOnlyDictionary<string, string>? environment, bool stdin, string[] args)
    {
        // `ip netns exec` (and the other wrappers) exec the program in place, so the process is dotnet itself and its PID is the engine's.
        var start = new ProcessStartInfo(wrapper is null ? "dotnet" : wrapper[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin, UseShellExecute = false };
        if (wrapper is not null)
        {
            foreach (var arg in wrapper.Skip(1).Append("dotnet"))
            {
                start.ArgumentList.Add(arg);
            }
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        start.ArgumentList.Add(Path.Combine(BinDir, "scanjail.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var process = new System.Diagnostics.Process { StartInfo = start };
        var engine = new EngineProcess(process, dir);
        process.OutputDataReceived += (_, e) => engine.Append(e.Data);
        process.ErrorDataReceived += (_, e) => engine.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return engine;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>Sends SIGTERM (or <paramref name="signal"/>) and waits for a clean exit; returns the exit code.</summary>
    public async Task<int> StopAsync(string signal = "TERM")
    {
        if (!_process.HasExited)
        {
            Signal(signal);
            // A stop waits up to 30 s for the actions' queues (EngineOptions.StopTimeout): a failing action's
            // retries can take all of it (FirewallToolFaultTests), and the exit comes after.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await _process.WaitForExitAsync(timeout.Token);
        }
        return _process.ExitCode;
    }

    public void Signal(string name)
    {
        using var kill = System.Diagnostics.Process.Start("kill", $"-{name} {_process.Id}");
        kill.WaitForExit();
    }

    public Task<(int Code, string Stdout, string Stderr)> ClientAsync(params string[] args) =>
        Cli.RunAsync(Path.Combine(BinDir, "scanjail-client.dll"), ["--socket", Socket, .. args]);

    /// <summary>SIGKILL to the engine and every child it started (its running action commands), as a crash or the OOM killer of a cgroup would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
