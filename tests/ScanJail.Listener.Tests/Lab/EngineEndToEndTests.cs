using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// The whole chain for real: scanjail-listener in the victim namespace → a real rsyslogd (imuxsock
/// at the test's socket → omfile) → the real engine (`scanjail run`, inside the victim namespace)
/// with the shipped attackalert filter and an iptables DROP action → nmap then sees filtered
/// ports; the ban ends at bantime and the ports answer again.
/// </summary>
[Collection(LabGroup.Name)]
public sealed partial class EngineEndToEndTests(LabNetwork lab) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sjl-e2e-").FullName;
    private LabEngine? _engine;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
        await Run.Async("ip", ["netns", "exec", lab.Victim, "iptables", "-F", "INPUT"]);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_scan_gets_the_scanner_dropped_by_iptables_until_bantime_ends()
    {
        await using var rsyslog = await RsyslogProcess.StartAsync(_dir);
        await using var listener = await ListenerProcess.StartAsync(lab, """
            tcp: { mode: atcp, ports: "1-1024" }
            """, target: $"unix:{rsyslog.Socket}", targetText: () => File.ReadAllText(rsyslog.LogFile));
        await StartEngineAsync(rsyslog.LogFile, bantime: "20s");

        var first = await lab.NmapAsync("-sS", "-T4", "-p", "1-1024", LabNetwork.VictimV4);
        var answered = CountState(first, "closed") + CountState(first, "open");
        await Wait.UntilAsync(() => DropRuleCount().Result == 1, "the DROP rule", EngineOutput);
        // Once the rule is in, every probe is dropped: nmap reports the ports filtered.
        var during = await lab.NmapAsync("-sS", "-T4", "--max-retries", "0", "--host-timeout", "20s", "-p", "1-20", LabNetwork.VictimV4);
        Assert.Equal(20, CountState(during, "filtered"));
        // The report names the scanner, its ports and kinds, and the ban in force.
        var report = await Run.CheckedAsync("dotnet", Path.Combine(AppContext.BaseDirectory, "scanjail-client.dll"), "--socket", Path.Combine(_dir, "sj.sock"), "report", "--since", "1h", "--json");
        using (var json = System.Text.Json.JsonDocument.Parse(report))
        {
            var source = Assert.Single(json.RootElement.GetProperty("sources").EnumerateArray());
            Assert.Equal(LabNetwork.ScannerV4, source.GetProperty("address").GetString());
            // The raw socket sees a probe only after the INPUT chain let it in, so the report holds exactly the ports
            // that answered: all 1024 when the scan ends before the ban lands, fewer (scattered: nmap probes in a
            // random order) when a busy machine slows the scan and the ban lands during it.
            var ports = source.GetProperty("ports").GetString()!;
            Assert.Equal(answered, PortCount(ports));
            if (answered == 1024)
            {
                Assert.Equal("1-1024", ports);
            }
            Assert.Equal("syn", Assert.Single(source.GetProperty("kinds").EnumerateArray()).GetString());
            Assert.True(source.GetProperty("bannedNow").GetBoolean());
            // One ban, or more when a scan slowed by a busy machine outlived the 20 s bantime: each one the engine made.
            var bans = EngineOutput().Split('\n').Count(l => l.Contains($"] Ban {LabNetwork.ScannerV4} ", StringComparison.Ordinal));
            Assert.InRange(bans, 1, 10);
            Assert.Equal(bans, source.GetProperty("bans").GetInt32());
        }
        var text = await Run.CheckedAsync("dotnet", Path.Combine(AppContext.BaseDirectory, "scanjail-client.dll"), "--socket", Path.Combine(_dir, "sj.sock"), "report");
        Assert.Contains($"  ports:   {answered} (", text, StringComparison.Ordinal);
        // Unbanned at bantime (the same ports are inside the listener's suppress window, so no new ban).
        await Wait.UntilAsync(() => DropRuleCount().Result == 0, "the unban", EngineOutput, seconds: 60);
        var after = await lab.NmapAsync("-sS", "-T4", "-p", "1-20", LabNetwork.VictimV4);
        Assert.Equal(20, CountState(after, "closed"));
        // A figure, not a pass mark: the whole -T4 scan may finish before the chain (listener, rsyslog,
        // file tail, engine, iptables) lands the rule; the rule landing and holding is what is asserted.
        Console.WriteLine($"ports that answered nmap -sS -T4 -p 1-1024 before the DROP: {answered} of 1024");
        Console.WriteLine($"first alert in rsyslog's file: {File.ReadLines(rsyslog.LogFile).First(l => l.Contains("attackalert:", StringComparison.Ordinal))}");
        Console.WriteLine($"engine: {EngineOutput().Split('\n').FirstOrDefault(l => l.Contains("] Ban ", StringComparison.Ordinal))}");
        Assert.InRange(answered, 0, 1024);
    }

    private async Task StartEngineAsync(string logFile, string bantime)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "actions"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "jail.yaml"), $$"""
            jails:
              portscan:
                enabled: true
                source: { file: {{logFile}} }
                filter: attackalert
                maxretry: 1
                bantime: {{bantime}}
                actions: [drop]
            """);
        await File.WriteAllTextAsync(Path.Combine(_dir, "actions", "drop.yaml"), """
            ban: [iptables, -I, INPUT, -s, "<ip>", -j, DROP]
            unban: [iptables, -D, INPUT, -s, "<ip>", -j, DROP]
            """);
        _engine = await LabEngine.StartAsync(lab.Victim, _dir);
    }

    private string EngineOutput() => _engine?.Output ?? "";

    private async Task<int> DropRuleCount()
    {
        var rules = await lab.InVictimAsync("iptables", "-S", "INPUT");
        return rules.Split('\n').Count(l => l.Contains($"-s {LabNetwork.ScannerV4}/32 -j DROP", StringComparison.Ordinal));
    }

    /// <summary>How many ports nmap reports in <paramref name="state"/>: those listed one per line plus the "Not shown" counts.</summary>
    // "1-7,11-15,17" -> 13
    private static int PortCount(string ranges) => ranges.Split(',').Sum(range =>
    {
        var ends = range.Split('-').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return ends[^1] - ends[0] + 1;
    });

    internal static int CountState(string nmap, string state)
    {
        var total = PortLine().Matches(nmap).Count(m => m.Groups[1].Value == state);
        foreach (Match notShown in NotShown().Matches(nmap))
        {
            total += Part().Matches(notShown.Groups[1].Value).Where(p => p.Groups[2].Value == state)
                .Sum(p => int.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        return total;
    }

    [GeneratedRegex("Not shown: (.*)")]
    private static partial Regex NotShown();

    [GeneratedRegex("(\\d+) (\\w+)")]
    private static partial Regex Part();

    [GeneratedRegex("^\\d+/tcp\\s+(\\w+)", RegexOptions.Multiline)]
    private static partial Regex PortLine();
}
