using ScanJail.Daemon.Tests.EndToEnd;
using ScanJail.Tests.Support;

namespace ScanJail.Daemon.Tests.Firewall;

/// <summary>
/// Issue 8, point 3: the firewall tool hangs (the timeout kills it, the ban is retried, status and stats
/// say so, and it lands once the tool answers) or is missing (a clear error in status and stats, the
/// engine runs on and the jail's other action still bans). A failing tool is in <see cref="FirewallRepairTests"/>.
/// </summary>
[Collection(FirewallTestGroup.Name)]
public sealed class FirewallToolFaultTests
{
    [Fact]
    public async Task A_hanging_nft_is_killed_at_the_timeout_retried_reported_and_the_ban_lands_once_it_answers()
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create("[nftables]");
        var text = File.ReadAllText(Path.Combine(EngineProcess.BinDir, "actions", "nftables.yaml"));
        Assert.Contains("timeout: 30s", text, StringComparison.Ordinal);
        // Without the kept-open `nft -i` session (started once, before the tool hangs): each batch then
        // starts nft, and that process is the one that hangs. (ToolSessionTests cover a session that dies.)
        Assert.Contains("  session: [nft, -i]\n", text, StringComparison.Ordinal);
        text = text.Replace("  session: [nft, -i]\n", "", StringComparison.Ordinal);
        // And without its netlink block, which writes bans with no nft at all (NetlinkActionTests cover its errors).
        Assert.Contains("\nnetlink:\n", text, StringComparison.Ordinal);
        text = System.Text.RegularExpressions.Regex.Replace(text, @"^netlink:\n(  .*\n)+", "", System.Text.RegularExpressions.RegexOptions.Multiline);
        File.WriteAllText(Path.Combine(config.Dir, "actions", "nftables.yaml"), text.Replace("timeout: 30s", "timeout: 2s", StringComparison.Ordinal));
        // A PATH-shadowed nft: hangs while the file 'hang' exists, then is the real one.
        var shadow = Directory.CreateDirectory(Path.Combine(config.Dir, "shadow")).FullName;
        var hang = Path.Combine(config.Dir, "hang");
        var script = Path.Combine(shadow, "nft");
        File.WriteAllText(script, $"#!/bin/sh\nif [ -e '{hang}' ]; then exec sleep 600; fi\nexec /usr/sbin/nft \"$@\"\n");
        await Run.OkAsync("chmod", "755", script);
        var path = $"{shadow}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, new Dictionary<string, string> { ["PATH"] = path });
        File.WriteAllText(hang, ""); // after start: the table exists, the ban's nft hangs

        await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, NetLab.Scanner4);
        await Wait.UntilAsync(async () => (await engine.ClientAsync("status", FirewallConfig.Jail)).Stdout.Contains("timed out after 2s", StringComparison.Ordinal),
            "status to show the killed nft", engine);
        var stats = await engine.ClientAsync("--json", "stats");
        Assert.Contains("timed out after 2s", stats.Stdout, StringComparison.Ordinal);
        Assert.Contains("retrying in", engine.Output, StringComparison.Ordinal);
        Assert.True(await lab.ScannerReachesAsync(NetLab.Victim4), "nothing is applied while nft hangs");
        File.Delete(hang);
        await Wait.UntilAsync(async () => !await lab.ScannerReachesAsync(NetLab.Victim4), "the retried ban to land", engine, seconds: 90);
        Assert.False(engine.HasExited);
        Assert.Equal(0, await engine.StopAsync());
    }

    [Fact]
    public async Task A_missing_firewall_tool_is_a_clear_error_and_the_other_action_still_bans()
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create("[nftables, record, gone]");
        config.WriteRecordAction();
        File.WriteAllText(Path.Combine(config.Dir, "actions", "gone.yaml"), """
            ban: [/nonexistent/firewall-tool, add, "<ip>"]
            unban: [/nonexistent/firewall-tool, del, "<ip>"]
            """);
        // nft is not on the engine's PATH (Debian keeps it in /usr/sbin): the shipped action's sh cannot find it.
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" });

        TestConfig.Append(config.AuthLog, TestConfig.SshFailure(NetLab.Scanner4));
        await Wait.UntilAsync(() => config.ActionLines().Contains($"ban {FirewallConfig.Jail} {NetLab.Scanner4}"), "the working action to ban", engine);
        await Wait.UntilAsync(async () =>
        {
            var status = (await engine.ClientAsync("status", FirewallConfig.Jail)).Stdout;
            return status.Contains("action nftables", StringComparison.Ordinal) && status.Contains("action gone", StringComparison.Ordinal);
        }, "status to show both missing tools", engine);
        var (_, text, _) = await engine.ClientAsync("status", FirewallConfig.Jail);
        Assert.Contains("nft: not found", text, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/firewall-tool", text, StringComparison.Ordinal);
        var stats = (await engine.ClientAsync("--json", "stats")).Stdout;
        Assert.Contains("nft: not found", stats, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/firewall-tool", stats, StringComparison.Ordinal);

        // The engine keeps running and banning.
        Assert.Equal(0, (await engine.ClientAsync("ban", FirewallConfig.Jail, "192.0.2.99")).Code);
        await Wait.UntilAsync(() => config.ActionLines().Contains($"ban {FirewallConfig.Jail} 192.0.2.99"), "a second ban through the working action", engine);
        Assert.False(engine.HasExited);
        await engine.StopAsync();
    }
}
