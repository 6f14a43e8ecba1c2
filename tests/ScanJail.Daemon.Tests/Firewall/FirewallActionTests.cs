using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Firewall;

/// <summary>
/// The shipped firewall actions against the real kernel, inside a test network namespace: the real
/// <c>scanjail</c> runs in the victim, and a ban is proven by the scanner's pings going unanswered,
/// an unban by their being answered again. IPv4 and IPv6, each action with no parameters at all.
/// </summary>
[Collection(FirewallTestGroup.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FirewallActionTests
{
    [Theory]
    [InlineData("nftables")]
    [InlineData("iptables")]
    [InlineData("ipset")]
    [InlineData("route-blackhole")]
    public async Task A_ban_drops_the_scanner_and_the_unban_lets_it_through_again(string action)
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create($"[{action}]");
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null);
        Assert.True(await lab.ScannerReachesAsync(NetLab.Victim4), "the lab passes IPv4 before any ban");
        Assert.True(await lab.ScannerReachesAsync(NetLab.Victim6), "the lab passes IPv6 before any ban");

        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, NetLab.Scanner4);
        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, NetLab.Scanner6);
        await Wait.UntilAsync(async () => !await lab.ScannerReachesAsync(NetLab.Victim4), $"{action} to drop IPv4", engine);
        await Wait.UntilAsync(async () => !await lab.ScannerReachesAsync(NetLab.Victim6), $"{action} to drop IPv6", engine);

        await FirewallConfig.ClientOkAsync(engine, "unban", NetLab.Scanner4);
        await FirewallConfig.ClientOkAsync(engine, "unban", NetLab.Scanner6);
        await Wait.UntilAsync(() => lab.ScannerReachesAsync(NetLab.Victim4), $"{action} to let IPv4 through after the unban", engine);
        await Wait.UntilAsync(() => lab.ScannerReachesAsync(NetLab.Victim6), $"{action} to let IPv6 through after the unban", engine);

        var status = await engine.ClientAsync("--json", "stats");
        Assert.DoesNotContain("\"lastError\":\"", status.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await engine.StopAsync());
    }

    [Fact]
    public async Task Iptables_hooks_a_chain_per_jail_into_the_configured_chain_for_the_configured_ports()
    {
        await using var lab = await NetLab.CreateAsync();
        await lab.InVictimAsync("iptables", "-w", "-N", "DOCKER-USER");
        await lab.InVictimAsync("iptables", "-w", "-A", "FORWARD", "-j", "DOCKER-USER");
        await lab.InVictimAsync("ip6tables", "-w", "-N", "DOCKER-USER");
        using var config = FirewallConfig.Create("[{ iptables: { chain: DOCKER-USER, port: \"80, 8000-8100\", blocktype: REJECT } }]");
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null);

        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, "203.0.113.9");
        await Wait.UntilAsync(async () => (await lab.InVictimAsync("iptables", "-w", "-S", "sj-fw")).Stdout.Contains("203.0.113.9", StringComparison.Ordinal), "the ban rule", engine);

        var rules = (await lab.InVictimAsync("iptables", "-w", "-S")).Stdout;
        Assert.Contains("-A DOCKER-USER -p tcp -m multiport --dports 80,8000:8100 -j sj-fw", rules, StringComparison.Ordinal);
        Assert.Contains("-A sj-fw -s 203.0.113.9/32 -j REJECT", rules, StringComparison.Ordinal);
        Assert.Contains("-A sj-fw -j RETURN", rules, StringComparison.Ordinal);
        Assert.Equal(0, await engine.StopAsync());
        Assert.DoesNotContain("sj-fw", (await lab.InVictimAsync("iptables", "-w", "-S")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nftables_with_a_trap_on_the_forward_hook_watches_the_hosts_own_ports_and_holds_where_it_bans()
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create("[{ nftables: { hook: forward, protocol: udp, port: \"53, 123\", trap: \"1-1024\", trap-hold: \"30\" } }]");
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null);
        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, "203.0.113.9");
        await Wait.UntilAsync(async () => (await lab.InVictimAsync("nft", "list", "set", "inet", "sj-fw", "addr-inet4")).Stdout.Contains("203.0.113.9", StringComparison.Ordinal), "the ban", engine);

        var table = (await lab.InVictimAsync("nft", "list", "table", "inet", "sj-fw")).Stdout;
        // The trap springs on the host's own ports (input hook, after the action's chain); the hold is where the ban is,
        // and with a UDP ban it covers every TCP port; the jail's ignoreip (the default, loopback) is never held.
        Assert.Matches(@"chain trap-in \{\s+type filter hook input priority filter - 9; policy accept;\s+tcp flags ! rst,ack tcp dport 1-1024 jump trap", table);
        Assert.Contains("ip saddr 127.0.0.0/8 return", table, StringComparison.Ordinal);
        Assert.Contains("ip6 saddr ::1 return", table, StringComparison.Ordinal);
        Assert.Matches(@"chain forward \{[^}]*ip saddr @addr-inet4 udp dport \{ 53, 123 \} drop\s+ip6 saddr @addr-inet6 udp dport \{ 53, 123 \} drop\s+tcp flags ! rst,ack ip saddr @trap-inet4 update @trap-inet4", table);
        Assert.Contains("timeout 30s", table, StringComparison.Ordinal);
        var stats = await engine.ClientAsync("--json", "stats");
        Assert.DoesNotContain("\"lastError\":\"", stats.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await engine.StopAsync());
    }

    [Fact]
    public async Task Hosts_deny_gets_one_line_per_ban_and_loses_it_at_the_unban_keeping_the_rest()
    {
        using var config = FirewallConfig.Create("[{ hosts-deny: { file: HOSTSDENY, daemons: \"sshd, vsftpd\" } }]");
        var file = Path.Combine(config.Dir, "hosts.deny");
        File.WriteAllText(Path.Combine(config.Dir, "jail.yaml"), File.ReadAllText(Path.Combine(config.Dir, "jail.yaml")).Replace("HOSTSDENY", file, StringComparison.Ordinal));
        File.WriteAllText(file, "# local rules\nALL: 198.51.100.1\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var engine = await EngineProcess.StartAsync(config.Dir);

        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, "203.0.113.9");
        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, "2001:db8::7");
        await Wait.UntilAsync(() => File.ReadAllText(file).Contains("[2001:db8::7]", StringComparison.Ordinal), "both lines", engine);
        Assert.Equal("# local rules\nALL: 198.51.100.1\nsshd, vsftpd: 203.0.113.9\nsshd, vsftpd: [2001:db8::7]\n", File.ReadAllText(file));

        await FirewallConfig.ClientOkAsync(engine, "unban", "203.0.113.9");
        await Wait.UntilAsync(() => !File.ReadAllText(file).Contains("203.0.113.9", StringComparison.Ordinal), "the IPv4 line to go", engine);
        Assert.Equal("# local rules\nALL: 198.51.100.1\nsshd, vsftpd: [2001:db8::7]\n", File.ReadAllText(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file));
        Assert.Single(Directory.GetFiles(config.Dir, "hosts.deny*"));
        Assert.Equal(0, await engine.StopAsync());
    }
}
