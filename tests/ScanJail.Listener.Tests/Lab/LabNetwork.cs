using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// The lab of ../shared/LAB.md: a victim and a scanner namespace joined by a veth pair, with
/// documentation addresses (192.0.2.0/24, fd00:5c::/64) that route nowhere else. Unique names per
/// run; torn down in <see cref="DisposeAsync"/>. ICMP rate limits are lifted in the victim so that
/// nmap -sU gets its port-unreachable answers at once.
/// </summary>
public sealed class LabNetwork : IAsyncLifetime
{
    public const string VictimV4 = "192.0.2.1";
    public const string ScannerV4 = "192.0.2.2";
    public const string VictimV6 = "fd00:5c::1";
    public const string ScannerV6 = "fd00:5c::2";

    private static readonly string Suffix = Guid.NewGuid().ToString("N")[..8];

    public string Victim { get; } = $"sjl-v-{Suffix}";
    public string Scanner { get; } = $"sjl-s-{Suffix}";

    public async Task InitializeAsync()
    {
        string[][] steps =
        [
            ["netns", "add", Victim],
            ["netns", "add", Scanner],
            ["link", "add", "sjv0", "netns", Victim, "type", "veth", "peer", "name", "sjs0", "netns", Scanner],
            ["-n", Victim, "link", "set", "lo", "up"],
            ["-n", Scanner, "link", "set", "lo", "up"],
            ["-n", Victim, "addr", "add", $"{VictimV4}/24", "dev", "sjv0"],
            ["-n", Scanner, "addr", "add", $"{ScannerV4}/24", "dev", "sjs0"],
            ["-n", Scanner, "addr", "add", "192.0.2.3/24", "dev", "sjs0"],
            ["-n", Victim, "addr", "add", $"{VictimV6}/64", "dev", "sjv0", "nodad"],
            ["-n", Scanner, "addr", "add", $"{ScannerV6}/64", "dev", "sjs0", "nodad"],
            ["-n", Victim, "link", "set", "sjv0", "up"],
            ["-n", Scanner, "link", "set", "sjs0", "up"],
        ];
        foreach (var step in steps)
        {
            await Run.CheckedAsync("ip", step);
        }
        await InVictimAsync("sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0");
        await InVictimAsync("sysctl", "-q", "-w", "net.ipv6.icmp.ratelimit=0");
    }

    public Task<string> InVictimAsync(params string[] command) => Run.CheckedAsync("ip", ["netns", "exec", Victim, .. command]);

    /// <summary>Runs nmap in the scanner namespace (no DNS, no host discovery) and returns its output.</summary>
    public async Task<string> NmapAsync(params string[] args) =>
        await Run.CheckedAsync("ip", ["netns", "exec", Scanner, "nmap", "-n", "-Pn", .. args]);

    public async Task DisposeAsync()
    {
        await Run.Async("ip", ["netns", "del", Scanner]);
        await Run.Async("ip", ["netns", "del", Victim]);
    }
}
