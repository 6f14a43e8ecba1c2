using System.Diagnostics;
using System.Text;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// The real engine (`scanjail run -c DIR`) inside the victim namespace, its output captured; started
/// once its log says Ready, ended (by its PID) when disposed.
/// </summary>
internal sealed class LabEngine : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LabEngine(Process process) => _process = process;

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

    public static async Task<LabEngine> StartAsync(string victim, string dir, params string[] extra)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["netns", "exec", victim, "dotnet", Path.Combine(AppContext.BaseDirectory, "scanjail.dll"),
            "run", "-c", dir, "--socket", Path.Combine(dir, "sj.sock"), "--db", Path.Combine(dir, "sj.db"), .. extra])
        {
            start.ArgumentList.Add(arg);
        }
        var engine = new LabEngine(Process.Start(start)!);
        engine._process.OutputDataReceived += (_, e) => engine.Append(e.Data);
        engine._process.ErrorDataReceived += (_, e) => engine.Append(e.Data);
        engine._process.BeginOutputReadLine();
        engine._process.BeginErrorReadLine();
        try
        {
            await Wait.UntilAsync(() => engine._process.HasExited || engine.Output.Contains("Ready:", StringComparison.Ordinal), "the engine", () => engine.Output);
            Assert.False(engine._process.HasExited, engine.Output);
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
        return engine;
    }

    /// <summary>Lines the engine whose control socket is in <paramref name="dir"/> has read (the client's <c>stats</c>).</summary>
    public static async Task<long> LinesReadAsync(string dir)
    {
        var stats = await Run.CheckedAsync("dotnet", Path.Combine(AppContext.BaseDirectory, "scanjail-client.dll"), "--socket", Path.Combine(dir, "sj.sock"), "stats", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(stats);
        return json.RootElement.GetProperty("counters").GetProperty("lines.read").GetInt64();
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

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
