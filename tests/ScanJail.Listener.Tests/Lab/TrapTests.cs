using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// The shipped nftables action's kernel trap (<c>trap: "1-1024"</c>), for real in the lab: scanjail-listener
/// (atcp) → the engine's unix datagram receiver → nftables, all in the victim namespace, with a service
/// listening on port 22 there; nmap from the scanner namespace. The first probe to a port with no socket
/// holds its source in the kernel, so the rest of the scan gets no answer, and the engine's ban follows from
/// the listener's alert. A service's port never springs it, nor does an address in the jail's ignoreip.
/// </summary>
[Collection(LabGroup.Name)]
public sealed class TrapTests(LabNetwork lab) : IAsyncLifetime
{
    private const string Ignored = "192.0.2.3";
    private readonly string _dir = Directory.CreateTempSubdirectory("sjl-trap-").FullName;
    private Process? _service;
    private LabEngine? _engine;

    [Fact]
    public async Task A_scan_is_held_from_its_first_probe_and_the_engine_bans_it_behind_the_trap()
    {
        var alerts = $"unix:{Path.Combine(_dir, "alerts.sock")}";
        await File.WriteAllTextAsync(Path.Combine(_dir, "jail.yaml"), $$"""
            jails:
              portscan:
                enabled: true
                source: { syslog: "{{alerts}}" }
                filter: attackalert
                maxretry: 1
                bantime: 1h
                ignoreip: [127.0.0.0/8, "::1", {{Ignored}}]
                actions: [{ nftables: { trap: "1-1024" } }]
            """);
        _service = Start("python3", "-c", "import socket, time\ns = socket.create_server(('', 22), family=socket.AF_INET6, dualstack_ipv6=True)\ntime.sleep(300)");
        _engine = await LabEngine.StartAsync(lab.Victim, _dir);
        await using var listener = await ListenerProcess.StartAsync(lab, """
            tcp: { mode: atcp, ports: "1-1024" }
            """, target: alerts, targetText: () => "now active and listening");
        await Wait.UntilAsync(() => LabEngine.LinesReadAsync(_dir).Result >= 3, "the listener's start lines at the engine", () => _engine.Output);

        // A service's port is no trap: the SYN finds its socket, nmap sees it open, nothing is held.
        var service = await lab.NmapAsync("-sS", "-p", "22", LabNetwork.VictimV4);
        Assert.Equal(1, EngineEndToEndTests.CountState(service, "open"));
        Assert.DoesNotContain(LabNetwork.ScannerV4, await Set("trap-inet4"), StringComparison.Ordinal);

        // The scan: the probe that springs the trap is answered, and 22 if it came first; nothing after.
        // (--min-rate: unanswered probes would slow nmap down to a minute and more.)
        var scan = await lab.NmapAsync("-sS", "-T4", "--max-retries", "0", "--min-rate", "5000", "-p", "1-1024", LabNetwork.VictimV4);
        var answered = EngineEndToEndTests.CountState(scan, "closed") + EngineEndToEndTests.CountState(scan, "open");
        Assert.InRange(answered, 0, 2);
        Assert.Equal(1, await Counter("add @trap-inet4"));
        Assert.True(await Counter("ip saddr @trap-inet4") > 0, await Chain("input"));
        // Behind the trap the engine bans from the listener's alert, with the jail's bantime.
        await Wait.UntilAsync(() => Set("addr-inet4").Result.Contains(LabNetwork.ScannerV4, StringComparison.Ordinal), "the engine's ban", () => _engine.Output);
        Assert.Contains($"[portscan] Ban {LabNetwork.ScannerV4}", _engine.Output, StringComparison.Ordinal);
        var banned = await Set("addr-inet4");
        Console.WriteLine($"trap: nmap -sS -T4 -p 1-1024 answered {answered} of 1024 ports; {banned}");
        Assert.Matches(@"192\.0\.2\.2 timeout (1h|59m\d+s) ", banned);

        // IPv6 the same way.
        var scan6 = await lab.NmapAsync("-6", "-sS", "-T4", "--max-retries", "0", "--min-rate", "5000", "-p", "1-1024", LabNetwork.VictimV6);
        Assert.InRange(EngineEndToEndTests.CountState(scan6, "closed") + EngineEndToEndTests.CountState(scan6, "open"), 0, 2);
        Assert.Equal(1, await Counter("add @trap-inet6"));

        // An address in the jail's ignoreip is never held: every port answers, and the engine does not ban it.
        var spared = await lab.NmapAsync("-sS", "-T4", "-S", Ignored, "-e", "sjs0", "-p", "1-100", LabNetwork.VictimV4);
        Assert.Equal(100, EngineEndToEndTests.CountState(spared, "closed") + EngineEndToEndTests.CountState(spared, "open"));
        Assert.Equal(1, await Counter("add @trap-inet4"));
        Assert.DoesNotContain($"Ban {Ignored}", _engine.Output, StringComparison.Ordinal);
    }

    private Task<string> Set(string name) => lab.InVictimAsync("nft", "list", "set", "inet", "sj-portscan", name);

    private Task<string> Chain(string name) => lab.InVictimAsync("nft", "list", "chain", "inet", "sj-portscan", name);

    /// <summary>Packets counted by the rule of the trap's chains that holds <paramref name="text"/>.</summary>
    private async Task<long> Counter(string text)
    {
        var rules = (await Chain("trap") + await Chain("input")).Split('\n');
        var rule = Assert.Single(rules, r => r.Contains(text, StringComparison.Ordinal));
        return long.Parse(Regex.Match(rule, @"counter packets (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private Process Start(params string[] command)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false };
        foreach (var arg in (string[])["netns", "exec", lab.Victim, .. command])
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
        if (_service is { HasExited: false })
        {
            await Run.Async("kill", [_service.Id.ToString(CultureInfo.InvariantCulture)]);
            await _service.WaitForExitAsync();
        }
        _service?.Dispose();
        await Run.Async("ip", ["netns", "exec", lab.Victim, "nft", "flush", "ruleset"]);
        Directory.Delete(_dir, recursive: true);
    }
}
