using ScanJail.Tests.Support;
namespace ScanJail.Daemon.Tests.Firewall;

/// <summary>
/// Two network namespaces joined by a veth pair (../shared/LAB.md): the victim (192.0.2.1, fd00:5c::1)
/// runs the engine and its firewall, the scanner (192.0.2.2, fd00:5c::2) sends the traffic. Names carry
/// a random suffix; both are deleted on dispose. Firewall commands inside the victim change only its tables.
/// </summary>
public sealed class NetLab : IAsyncDisposable
{
    public const string Victim4 = "192.0.2.1";
    public const string Victim6 = "fd00:5c::1";
    public const string Scanner4 = "192.0.2.2";
    public const string Scanner6 = "fd00:5c::2";

    private NetLab(string suffix)
    {
        Victim = $"sjv-{suffix}";
        Scanner = $"sjs-{suffix}";
    }

    public string Victim { get; }
    public string Scanner { get; }

    public static async Task<NetLab> CreateAsync()
    {
        var lab = new NetLab(Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string v = lab.Victim, s = lab.Scanner;
            await Run.OkAsync("ip", "netns", "add", v);
            await Run.OkAsync("ip", "netns", "add", s);
            // Interface names are at most 15 characters; inside its own namespace each may be short.
            await Run.OkAsync("ip", "link", "add", "sjv0", "netns", v, "type", "veth", "peer", "name", "sjs0", "netns", s);
            foreach (var (ns, dev, a4, a6) in new[] { (v, "sjv0", Victim4, Victim6), (s, "sjs0", Scanner4, Scanner6) })
            {
                await Run.OkAsync("ip", "-n", ns, "link", "set", "lo", "up");
                await Run.OkAsync("ip", "-n", ns, "addr", "add", $"{a4}/24", "dev", dev);
                await Run.OkAsync("ip", "-n", ns, "addr", "add", $"{a6}/64", "dev", dev, "nodad");
                await Run.OkAsync("ip", "-n", ns, "link", "set", dev, "up");
            }
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command inside the victim (its firewall, its routes).</summary>
    public Task<(int Code, string Stdout, string Stderr)> InVictimAsync(params string[] argv) => Run.Async(["ip", "netns", "exec", Victim, .. argv]);

    /// <summary>True when one ping from the scanner to <paramref name="victimAddress"/> gets its answer within a second.</summary>
    public async Task<bool> ScannerReachesAsync(string victimAddress)
    {
        var (code, _, _) = await Run.Async("ip", "netns", "exec", Scanner, "ping", "-n", "-c", "1", "-W", "1", victimAddress);
        return code == 0;
    }

    public async ValueTask DisposeAsync()
    {
        // Deleting a namespace removes its end of the veth pair, and so the pair.
        await Run.Async("ip", "netns", "del", Scanner);
        await Run.Async("ip", "netns", "del", Victim);
    }
}
