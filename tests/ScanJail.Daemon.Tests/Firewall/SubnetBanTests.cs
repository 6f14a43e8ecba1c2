using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Firewall;

/// <summary>
/// banprefix: a failure from one address bans its whole network, so another address of that network (the
/// scanner) is dropped too. The failing addresses are neighbours of the scanner that never send a packet.
/// </summary>
[Collection(FirewallTestGroup.Name)]
public sealed class SubnetBanTests
{
    [Theory]
    [InlineData("{ nftables: { subnets: yes } }")]
    [InlineData("{ ipset: { settype: net } }")]
    public async Task A_failure_bans_the_network_and_its_other_addresses_are_dropped(string action)
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create($"[{action}]", "    banprefix: { ipv4: 30, ipv6: 64 }");
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null);
        Assert.True(await lab.ScannerReachesAsync(NetLab.Victim4));

        TestConfig.Append(config.AuthLog, TestConfig.SshFailure("192.0.2.3"), TestConfig.SshFailure("fd00:5c::99"));

        await Wait.UntilAsync(async () => !await lab.ScannerReachesAsync(NetLab.Victim4), "the /30 ban to drop 192.0.2.2", engine);
        await Wait.UntilAsync(async () => !await lab.ScannerReachesAsync(NetLab.Victim6), "the /64 ban to drop fd00:5c::2", engine);
        var status = await engine.ClientAsync("status", FirewallConfig.Jail);
        Assert.Contains("192.0.2.0/30", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("fd00:5c::/64", status.Stdout, StringComparison.Ordinal);

        // An unban of any address of the network lifts its ban.
        await FirewallConfig.ClientOkAsync(engine, "unban", "192.0.2.1");
        await FirewallConfig.ClientOkAsync(engine, "unban", "fd00:5c::1234");
        await Wait.UntilAsync(() => lab.ScannerReachesAsync(NetLab.Victim4), "IPv4 to pass after the unban", engine);
        await Wait.UntilAsync(() => lab.ScannerReachesAsync(NetLab.Victim6), "IPv6 to pass after the unban", engine);
        Assert.Equal(0, await engine.StopAsync());
    }
}
