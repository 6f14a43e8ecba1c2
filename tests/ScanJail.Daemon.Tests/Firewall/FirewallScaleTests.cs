using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ScanJail.Daemon.Tests.EndToEnd;
using Xunit.Abstractions;

namespace ScanJail.Daemon.Tests.Firewall;

/// <summary>
/// Ten thousand bans at once through the batch actions, and the time from a ban decision to the rule
/// being in the kernel. The figures are printed (run with --logger "console;verbosity=detailed"); what
/// is asserted is only that every ban lands, never how fast.
/// </summary>
[Collection(FirewallTestGroup.Name)]
public sealed class FirewallScaleTests(ITestOutputHelper output)
{
    private const int Many = 10_000;

    [Theory]
    [InlineData("nftables")]
    [InlineData("ipset")]
    public async Task Ten_thousand_bans_at_once_all_reach_the_kernel(string action)
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create($"[{action}]");
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null);
        // Start the action first (its table or sets), so the figure is the bans' alone.
        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, "203.0.113.1");
        await Wait.UntilAsync(async () => await CountAsync(lab, action) == 1, "the first ban", engine);

        // 10,000 distinct addresses of 198.18.0.0/15 (benchmarking), one failure each: maxretry 1 bans each.
        var lines = Enumerable.Range(0, Many)
            .Select(i => TestConfig.SshFailure(string.Create(CultureInfo.InvariantCulture, $"198.18.{i / 250}.{1 + i % 250}"), pid: 1000 + i))
            .ToArray();
        var clock = Stopwatch.StartNew();
        TestConfig.Append(config.AuthLog, lines);
        await Wait.UntilAsync(async () => await CountAsync(lab, action) == Many + 1, $"{Many} elements in the kernel", engine, seconds: 180);
        var elapsed = clock.Elapsed;

        var sizes = BatchRuns(engine.Output).Skip(1).ToList();
        output.WriteLine($"{action}: {Many} bans from appending {Many} log lines to {Many} elements in the kernel: {elapsed.TotalMilliseconds:F0} ms " +
            $"(the engine bans as it reads; {sizes.Count} batch runs, largest {sizes.Max(r => r.Count)})");
        Assert.Equal(0, await engine.StopAsync());
        Assert.Equal(0, await CountAsync(lab, action)); // stop removed the table or sets

        // A restart restores all the bans at once: one queue, one batch of all of them.
        clock.Restart();
        await using var again = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null);
        await Wait.UntilAsync(async () => await CountAsync(lab, action) == Many + 1, $"{Many + 1} restored elements in the kernel", again, seconds: 180);
        var restored = clock.Elapsed;
        // The engine logs each run just after it ends, so the log may trail the kernel by a moment.
        await Wait.UntilAsync(() => BatchRuns(again.Output).Sum(r => r.Count) == Many + 1, "the batch runs in the log", again);
        var runs = BatchRuns(again.Output).ToList();
        output.WriteLine($"{action}: restart with {Many + 1} active bans, from starting scanjail to all in the kernel: {restored.TotalMilliseconds:F0} ms; " +
            $"batch runs: {string.Join(", ", runs.Select(r => $"{r.Count} bans in {r.Milliseconds} ms"))}");
        Assert.Contains(runs, r => r.Count > Many / 2);
        Assert.Equal(0, await again.StopAsync());
    }

    /// <summary>The engine's Debug lines "ban of N address(es) in one run took M ms".</summary>
    private static IEnumerable<(int Count, int Milliseconds)> BatchRuns(string engineOutput)
    {
        foreach (var line in engineOutput.Split('\n'))
        {
            var at = line.IndexOf(": ban of ", StringComparison.Ordinal);
            if (at < 0 || !line.Contains("in one run took", StringComparison.Ordinal))
            {
                continue;
            }
            var words = line[(at + ": ban of ".Length)..].Split(' ');
            yield return (int.Parse(words[0], CultureInfo.InvariantCulture), int.Parse(words[^2], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task The_time_from_a_ban_decision_to_the_nftables_element_is_printed()
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create("[nftables]");
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null);
        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, "203.0.113.1");
        await Wait.UntilAsync(async () => await CountAsync(lab, "nftables") == 1, "the first ban (creates the table)", engine);

        // nft monitor prints each element as the kernel takes it; a stopwatch stamps each line as it arrives.
        using var monitor = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", lab.Victim, "nft", "monitor", "elements"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var clock = Stopwatch.StartNew();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan>();
        monitor.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("add element", StringComparison.Ordinal))
            {
                seen.TryAdd(line, clock.Elapsed);
            }
        };
        monitor.BeginOutputReadLine();
        try
        {
            await Task.Delay(300); // nft monitor subscribes after it starts
            var viaSocket = new List<double>();
            var viaLog = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                viaSocket.Add(await MeasureAsync(seen, clock, $"203.0.113.{10 + i}", address => BanThroughSocketAsync(engine.Socket, address), engine));
                viaLog.Add(await MeasureAsync(seen, clock, $"203.0.113.{20 + i}", address =>
                {
                    TestConfig.Append(config.AuthLog, TestConfig.SshFailure(address));
                    return Task.CompletedTask;
                }, engine));
            }
            output.WriteLine($"nftables: ban request on the control socket -> element in the kernel: {Describe(viaSocket)}");
            output.WriteLine($"nftables: failure line appended to the log -> element in the kernel: {Describe(viaLog)}");
        }
        finally
        {
            monitor.Kill();
            await monitor.WaitForExitAsync();
        }
        Assert.Equal(0, await engine.StopAsync());
    }

    private static async Task<double> MeasureAsync(
        System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan> seen, Stopwatch clock, string address, Func<string, Task> ban, EngineProcess engine)
    {
        var before = clock.Elapsed;
        await ban(address);
        TimeSpan at = default;
        await Wait.UntilAsync(() =>
        {
            var hit = seen.FirstOrDefault(kv => kv.Key.Contains($" {address} ", StringComparison.Ordinal) && kv.Key.Contains("timeout", StringComparison.Ordinal));
            at = hit.Value;
            return hit.Key is not null;
        }, $"nft monitor to show {address}", engine);
        return (at - before).TotalMilliseconds;
    }

    private static async Task BanThroughSocketAsync(string socket, string address)
    {
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(socket));
        await client.SendAsync(Encoding.UTF8.GetBytes($"{{\"command\":\"ban\",\"jail\":\"{FirewallConfig.Jail}\",\"address\":\"{address}\"}}\n"));
        var buffer = new byte[4096];
        var n = await client.ReceiveAsync(buffer);
        Assert.Contains("\"ok\":true", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
    }

    internal static async Task<int> CountAsync(NetLab lab, string action)
    {
        if (action == "nftables")
        {
            var (_, stdout, _) = await lab.InVictimAsync("nft", "-j", "list", "set", "inet", "sj-fw", "addr-inet4");
            // Every ban's element has a timeout, and so is listed as {"elem": {"val": ADDRESS, "timeout": ...}}.
            return stdout.Split("\"val\":").Length - 1;
        }
        var (_, list, _) = await lab.InVictimAsync("ipset", "list", "-t", "sj-fw-inet4");
        var entries = list.Split('\n').FirstOrDefault(l => l.StartsWith("Number of entries:", StringComparison.Ordinal));
        return entries is null ? 0 : int.Parse(entries["Number of entries:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static string Describe(List<double> ms) =>
        $"{string.Join(", ", ms.Select(m => m.ToString("F1", CultureInfo.InvariantCulture)))} ms (median {ms.Order().ElementAt(ms.Count / 2).ToString("F1", CultureInfo.InvariantCulture)} ms)";
}
