using ScanJail.Daemon.Tests.EndToEnd;
using ScanJail.Tests.Support;

namespace ScanJail.Daemon.Tests.Firewall;

/// <summary>
/// Point 3 and 8 of the issue with the real engine in a namespace: someone flushes the firewall under it,
/// or the firewall tool fails for a while; the bans come back without anyone touching ScanJail.
/// </summary>
[Collection(FirewallTestGroup.Name)]
public sealed class FirewallRepairTests
{
    public static TheoryData<string, string[][]> Flushes => new()
    {
        { "nftables", [["nft", "flush", "ruleset"]] },
        { "iptables", [["iptables", "-w", "-F"], ["iptables", "-w", "-X"], ["ip6tables", "-w", "-F"], ["ip6tables", "-w", "-X"]] },
        { "ipset", [["iptables", "-w", "-F"], ["ip6tables", "-w", "-F"]] },
    };

    [Theory]
    [MemberData(nameof(Flushes))]
    public async Task A_flushed_firewall_is_rebuilt_with_every_current_ban(string action, string[][] flush)
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create($"[{action}]");
        FirewallConfig.ShippedWithFastCheck(config, action);
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null);
        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, NetLab.Scanner4);
        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, NetLab.Scanner6);
        await Wait.UntilAsync(async () => !await lab.ScannerReachesAsync(NetLab.Victim4) && !await lab.ScannerReachesAsync(NetLab.Victim6), "the bans", engine);

        foreach (var argv in flush)
        {
            await lab.InVictimAsync(argv);
        }

        await Wait.UntilAsync(() => engine.Output.Contains("repaired, 2 ban(s) applied again", StringComparison.Ordinal), "the repair", engine);
        Assert.False(await lab.ScannerReachesAsync(NetLab.Victim4), "IPv4 is dropped again after the repair");
        Assert.False(await lab.ScannerReachesAsync(NetLab.Victim6), "IPv6 is dropped again after the repair");
        Assert.Contains("check failed", engine.Output, StringComparison.Ordinal);
        Assert.Equal(0, await engine.StopAsync());
    }

    [Fact]
    public async Task A_failing_nft_is_retried_shows_in_status_and_stats_and_the_ban_lands_once_it_works()
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create("[nftables]");
        // A PATH-shadowed nft: fails while the file 'broken' exists, then is the real one.
        var shadow = Directory.CreateDirectory(Path.Combine(config.Dir, "shadow")).FullName;
        var broken = Path.Combine(config.Dir, "broken");
        var script = Path.Combine(shadow, "nft");
        File.WriteAllText(script, $"#!/bin/sh\nif [ -e '{broken}' ]; then echo 'nft: simulated failure' >&2; exit 1; fi\nexec /usr/sbin/nft \"$@\"\n");
        await Run.OkAsync("chmod", "755", script);
        File.WriteAllText(broken, "");
        var path = $"{shadow}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, new Dictionary<string, string> { ["PATH"] = path });

        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, NetLab.Scanner4);
        await Wait.UntilAsync(async () => (await engine.ClientAsync("status", FirewallConfig.Jail)).Stdout.Contains("simulated failure", StringComparison.Ordinal),
            "status to show the failure", engine);
        var stats = await engine.ClientAsync("--json", "stats");
        Assert.Contains("simulated failure", stats.Stdout, StringComparison.Ordinal);
        Assert.True(await lab.ScannerReachesAsync(NetLab.Victim4), "nothing is applied while nft fails");
        var banned = await engine.ClientAsync("banned");
        Assert.Contains(NetLab.Scanner4, banned.Stdout, StringComparison.Ordinal);

        File.Delete(broken);

        await Wait.UntilAsync(async () => !await lab.ScannerReachesAsync(NetLab.Victim4), "the retried ban to land", engine, seconds: 60);
        Assert.Contains("retrying in", engine.Output, StringComparison.Ordinal);
        Assert.Equal(0, await engine.StopAsync());
    }
}
