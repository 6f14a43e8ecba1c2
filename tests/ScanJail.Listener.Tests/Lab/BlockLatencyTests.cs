using System.Diagnostics;
using System.Globalization;
using System.Text;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// The fastest ScanJail path, for real: scanjail-listener (atcp) → the engine's own UDP syslog
/// receiver (jail with the shipped attackalert filter, maxretry 1) → the shipped nftables or
/// iptables action, all in the victim namespace; nmap -sS -T4 from the scanner namespace. Asserts
/// what is robust (the ban lands in the kernel, a second scan sees filtered ports) and prints the
/// figures: ports that answered the first scan, and the time from the listener's first alert to the
/// address in the kernel (an `nft monitor` event, which also reports iptables-nft rules).
/// </summary>
[Collection(LabGroup.Name)]
public sealed class BlockLatencyTests(LabNetwork lab) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sjl-block-").FullName;
    private readonly StringBuilder _engineOutput = new();
    private readonly List<(long At, string Line)> _monitor = [];
    private Process? _engine;
    private Process? _nftMonitor;

    [Theory]
    [InlineData("nftables", "udp")]
    [InlineData("iptables", "udp")]
    [InlineData("nftables", "unix")] // the direct path: the listener writes to the engine's unix datagram receiver
    public async Task A_scan_through_the_engines_syslog_receiver_gets_the_scanner_dropped(string action, string transport)
    {
        var port = Random.Shared.Next(30000, 40000);
        var address = transport == "unix" ? $"unix:{Path.Combine(_dir, "alerts.sock")}" : $"udp://127.0.0.1:{port}";
        _nftMonitor = StartInVictim(["nft", "monitor"], line => { lock (_monitor) { _monitor.Add((Stopwatch.GetTimestamp(), line)); } });
        await StartEngineAsync(action, address);
        // The listener's own target is the engine: it is running once its three start lines
        // (starting, the ports watched, now active) have been read by the engine's receiver.
        await using var listener = await ListenerProcess.StartAsync(lab, """
            tcp: { mode: atcp, ports: "1-1024" }
            """, target: address, targetText: () => "now active and listening");
        await Wait.UntilAsync(() => LabEngine.LinesReadAsync(_dir).Result >= 3, "the listener's start lines at the engine", EngineOutput);
        var first = await lab.NmapAsync("-sS", "-T4", "--max-retries", "1", "-p", "1-1024", LabNetwork.VictimV4);
        await Wait.UntilAsync(() => InKernel() is not null, "the scanner's address in the kernel", EngineOutput);
        var during = await lab.NmapAsync("-sS", "-T4", "--max-retries", "0", "--host-timeout", "20s", "-p", "1-20", LabNetwork.VictimV4);
        Assert.Equal(20, EngineEndToEndTests.CountState(during, "filtered"));
        Assert.Contains($"[portscan] Ban {LabNetwork.ScannerV4}", EngineOutput(), StringComparison.Ordinal);

        var answered = EngineEndToEndTests.CountState(first, "closed") + EngineEndToEndTests.CountState(first, "open");
        var ban = EngineOutput().Split('\n').First(l => l.Contains("] Ban ", StringComparison.Ordinal));
        var banAt = DateTimeOffset.ParseExact(ban[..23], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var (kernelAt, kernelLine) = InKernel()!.Value;
        var kernelWall = TimeProvider.System.GetUtcNow() - Stopwatch.GetElapsedTime(kernelAt);
        // Figures, not pass marks: a -T4 scan from the next hop may be over before any sensor's drop lands.
        Console.WriteLine($"{action} via {transport}: ports that answered nmap -sS -T4 -p 1-1024 before the drop: {answered} of 1024");
        Console.WriteLine($"{action}: engine Ban logged at {banAt:HH:mm:ss.fff}, address in the kernel at {kernelWall:HH:mm:ss.fff} ({(kernelWall - banAt).TotalMilliseconds:F0} ms later): {kernelLine}");
        Assert.InRange(answered, 0, 1024);
    }

    private (long At, string Line)? InKernel()
    {
        lock (_monitor)
        {
            return _monitor.Where(m => m.Line.Contains(LabNetwork.ScannerV4, StringComparison.Ordinal)).Select(m => ((long, string)?)m).FirstOrDefault();
        }
    }

    private async Task StartEngineAsync(string action, string address)
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "jail.yaml"), $$"""
            jails:
              portscan:
                enabled: true
                source: { syslog: "{{address}}" }
                filter: attackalert
                maxretry: 1
                bantime: 1h
                actions: [{{action}}]
            """);
        _engine = StartInVictim(["dotnet", Path.Combine(AppContext.BaseDirectory, "scanjail.dll"),
            "run", "-c", _dir, "--socket", Path.Combine(_dir, "sj.sock"), "--db", Path.Combine(_dir, "sj.db")],
            line => { lock (_engineOutput) { _engineOutput.AppendLine(line); } });
        await Wait.UntilAsync(() => _engine.HasExited || EngineOutput().Contains("Ready:", StringComparison.Ordinal), "the engine", EngineOutput);
        Assert.False(_engine.HasExited, EngineOutput());
    }

    private Process StartInVictim(string[] command, Action<string> onLine)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["netns", "exec", lab.Victim, .. command])
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private string EngineOutput()
    {
        lock (_engineOutput)
        {
            return _engineOutput.ToString();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // SIGTERM: the engine's stop runs the action's stop, which removes its table or chain.
        foreach (var process in new[] { _engine, _nftMonitor })
        {
            if (process is { HasExited: false })
            {
                await Run.Async("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            process?.Dispose();
        }
        await Run.Async("ip", ["netns", "exec", lab.Victim, "nft", "flush", "ruleset"]);
        Directory.Delete(_dir, recursive: true);
    }
}
