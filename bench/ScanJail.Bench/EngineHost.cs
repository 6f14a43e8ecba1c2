using System.Diagnostics;
using System.Text;

namespace ScanJail.Bench;

/// <summary>
/// The real <c>scanjail run</c> process on a bench configuration directory (socket and database
/// inside it), as an admin runs it: what the latency and soak figures describe is the program, not
/// an engine object inside the bench. Its output goes to <c>engine.out</c> in the directory.
/// </summary>
internal sealed class EngineHost : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _output;
    private readonly Lock _gate = new();
    private readonly List<Thread> _readers = [];
    private bool _ready;
    private bool _closed;

    private EngineHost(Process process, string dir, StreamWriter output)
    {
        _process = process;
        Dir = dir;
        _output = output;
    }

    public string Dir { get; }
    public int Pid => _process.Id;
    public string Socket => Path.Combine(Dir, "sj.sock");
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// The folder <c>dotnet publish</c> made (<c>--scanjail DIR</c>): its ReadyToRun <c>scanjail</c> program is
    /// started, as admins run it; without it, the built <c>scanjail.dll</c> beside the bench under <c>dotnet</c>.
    /// </summary>
    public static string? Published { get; set; }

    public static EngineHost Start(string dir, string logLevel = "Information")
    {
        var start = new ProcessStartInfo(Published is null ? BenchProcess.DotnetHost() : Path.Combine(Published, "scanjail"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var variable in QuietRuntime.NotForTheEngine)
        {
            start.Environment.Remove(variable); // the bench's own runtime settings: the engine runs with its own
        }
        if (Published is null)
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "scanjail.dll"));
        }
        foreach (var arg in (string[])["run", "-c", dir, "--socket", Path.Combine(dir, "sj.sock"), "--db", Path.Combine(dir, "sj.db"), "--log-level", logLevel])
        {
            start.ArgumentList.Add(arg);
        }
        var output = new StreamWriter(Path.Combine(dir, "engine.out")) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        var host = new EngineHost(process, dir, output);
        process.Start();
        host.Drain(process.StandardOutput, "engine stdout");
        host.Drain(process.StandardError, "engine stderr");
        var deadline = Stopwatch.StartNew();
        while (!host.IsReady)
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                host.Dispose();
                throw new InvalidOperationException($"scanjail did not start; see {Path.Combine(dir, "engine.out")}");
            }
            Thread.Yield();
            Task.Delay(20).GetAwaiter().GetResult();
        }
        return host;
    }

    // "Ready:" is an information line; at a quieter log level the answering socket says the same.
    private bool IsReady
    {
        get
        {
            lock (_gate)
            {
                if (_ready)
                {
                    return true;
                }
            }
            try
            {
                return File.Exists(Socket) && Counters().Count > 0;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or System.Text.Json.JsonException)
            {
                return false;
            }
        }
    }

    /// <summary>The engine's counters (<c>stats</c> over the control socket: one JSON request line, one response line).</summary>
    public IReadOnlyDictionary<string, long> Counters()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        // An engine far behind its load answers late: the caller gets nothing rather than waiting for ever.
        socket.ReceiveTimeout = 10_000;
        socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(Socket));
        using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        stream.Write("{\"command\":\"stats\"}\n"u8);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var doc = System.Text.Json.JsonDocument.Parse(reader.ReadLine() ?? "{}");
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("result", out var result) && result.TryGetProperty("counters", out var values))
        {
            foreach (var value in values.EnumerateObject())
            {
                counters[value.Name] = value.Value.GetInt64();
            }
        }
        return counters;
    }

    /// <summary>The counters, or null when the engine did not answer within the socket's timeout (an engine far behind its load).</summary>
    public IReadOnlyDictionary<string, long>? CountersOrNull()
    {
        try
        {
            return Counters();
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
        {
            return null;
        }
    }

    /// <summary>SIGTERM and a clean exit, as systemd stops it.</summary>
    public void Stop()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        foreach (var reader in _readers)
        {
            reader.Join(TimeSpan.FromSeconds(5)); // the rest of the output, up to the pipes' end
        }
        _process.Dispose();
        lock (_gate)
        {
            _closed = true;
            _output.Dispose();
        }
    }

    /// <summary>
    /// Reads the engine's output on a thread of its own, blocked in <c>read</c>: one wake-up per write. The
    /// asynchronous reads (<c>BeginOutputReadLine</c>) woke the bench's socket-engine thread and two pool threads for
    /// each line, which spun for work afterwards, on the 2 cores the measured engine runs on (docs/latency.md, round 15).
    /// </summary>
    private void Drain(StreamReader reader, string name)
    {
        var thread = new Thread(() =>
        {
            try
            {
                while (reader.ReadLine() is { } line)
                {
                    Append(line);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // the host was disposed with the pipe still open (a ban command still holding it): its output ends here
            }
        }) { IsBackground = true, Name = name };
        _readers.Add(thread);
        thread.Start();
    }

    private void Append(string line)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            _ready |= line.Contains("Ready:", StringComparison.Ordinal);
            _output.WriteLine(line);
        }
    }
}
