using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ScanJail.Listener.Host;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// Issue 8, spoofing: probes spoofed from the victim's default gateway, its DNS resolver and its
/// own address never lead to a ban, while the real scanner is banned. The whole chain for real:
/// scanjail-listener → the engine's own UDP syslog receiver (`scanjail run`, jail portscan, the
/// shipped attackalert filter, maxretry 1, a recording action) in the victim namespace. The
/// engine's own `ignoreself` is off, so the listener's always-ignored set is what protects them.
/// The resolver comes from a test resolv.conf (SCANJAIL_RESOLV_CONF); the machine's is never read or changed.
/// </summary>
[Collection(LabGroup.Name)]
public sealed partial class SpoofingTests(LabNetwork lab) : IAsyncLifetime
{
    private const string Gateway = "192.0.2.254";
    private const string Resolver = "192.0.2.53";
    private readonly string _dir = Directory.CreateTempSubdirectory("sjl-spoof-").FullName;
    private LabEngine? _engine;

    [Fact]
    public async Task Probes_spoofed_from_the_gateway_the_resolver_and_the_host_itself_never_lead_to_a_ban()
    {
        // The victim gets a default route and accepts packets claiming its own address (the kernel
        // drops those as martians otherwise, and the listener would never see them); undone in DisposeAsync.
        await lab.InVictimAsync("ip", "route", "add", "default", "via", Gateway, "dev", "sjv0");
        await lab.InVictimAsync("sysctl", "-q", "-w", "net.ipv4.conf.sjv0.accept_local=1");
        var resolvConf = Path.Combine(_dir, "resolv.conf");
        await File.WriteAllTextAsync(resolvConf, $"# test resolver\nnameserver {Resolver}\n");
        var bans = Path.Combine(_dir, "bans.txt");
        var port = Random.Shared.Next(30000, 40000);
        await StartEngineAsync(port, bans);
        await using var listener = await ListenerProcess.StartAsync(lab, """
            tcp: { mode: atcp, ports: "1-1024" }
            udp: { mode: audp, ports: "1-1024" }
            """, target: $"udp://127.0.0.1:{port}", targetText: () => "now active and listening",
            environment: new Dictionary<string, string> { [AlwaysIgnored.ResolvConfVariable] = resolvConf }, echo: true);
        await Wait.UntilAsync(() => LinesRead().Result >= 3,
            "the listener's start lines at the engine", EngineOutput);

        using (var forge = new SpoofedProbes(lab))
        {
            foreach (var spoofed in (string[])[Gateway, Resolver, LabNetwork.VictimV4])
            {
                for (var probed = 1; probed <= 50; probed++)
                {
                    forge.Syn(IPAddress.Parse(spoofed), 40000 + probed, probed);
                }
            }
            for (var probed = 1; probed <= 50; probed++)
            {
                forge.Udp(IPAddress.Parse(Resolver), 53, probed);
            }
        }
        // The real scanner, after the spoofed probes: once its ban is recorded, every earlier line has been through the engine.
        await lab.NmapAsync("-sS", "-T4", "-p", "1-50", LabNetwork.VictimV4);
        await Wait.UntilAsync(() => File.Exists(bans) && File.ReadAllText(bans).Contains(LabNetwork.ScannerV4, StringComparison.Ordinal),
            "the real scanner's ban", EngineOutput);
        Assert.Equal(0, await listener.StopAsync());

        Assert.Equal([$"ban {LabNetwork.ScannerV4}"], await File.ReadAllLinesAsync(bans));
        foreach (var spoofed in (string[])[Gateway, Resolver, LabNetwork.VictimV4])
        {
            Assert.DoesNotContain($"Ban {spoofed}", EngineOutput(), StringComparison.Ordinal);
        }
        // The listener saw the spoofed probes (200 of them) and ignored them, rather than never seeing them.
        var shutdown = listener.Stdout.Split('\n').Single(l => l.Contains("shutting down: probes=", StringComparison.Ordinal));
        var ignored = long.Parse(Ignored().Match(shutdown).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(ignored >= 200, shutdown);
    }

    private async Task StartEngineAsync(int port, string bans)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "actions"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "actions", "record.yaml"), $$"""
            ban: [sh, -c, 'printf "ban %s\n" "$1" >> "$2"', record, "<ip>", "{{bans}}"]
            """);
        await File.WriteAllTextAsync(Path.Combine(_dir, "jail.yaml"), $$"""
            jails:
              portscan:
                enabled: true
                source: { syslog: "udp://127.0.0.1:{{port}}" }
                filter: attackalert
                maxretry: 1
                bantime: 1h
                ignoreself: false
                actions: [record]
            """);
        _engine = await LabEngine.StartAsync(lab.Victim, _dir, "--log-level", "debug");
    }

    private async Task<long> LinesRead()
    {
        var stats = await Run.CheckedAsync("dotnet", Path.Combine(AppContext.BaseDirectory, "scanjail-client.dll"), "--socket", Path.Combine(_dir, "sj.sock"), "stats", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(stats);
        return json.RootElement.GetProperty("counters").GetProperty("lines.read").GetInt64();
    }

    private string EngineOutput() => _engine?.Output ?? "";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
        await Run.Async("ip", ["-n", lab.Victim, "route", "del", "default"]);
        await Run.Async("ip", ["netns", "exec", lab.Victim, "sysctl", "-q", "-w", "net.ipv4.conf.sjv0.accept_local=0"]);
        Directory.Delete(_dir, recursive: true);
    }

    [GeneratedRegex(" ignored=([0-9]+) ")]
    private static partial Regex Ignored();
}
