using Microsoft.Data.Sqlite;
using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Firewall;

/// <summary>
/// The nftables action is not held for the engine's database commit (<c>start-resets: true</c>): a ban reaches
/// the kernel while the loop writes it. A kill -9 between the two leaves a set element the database does not
/// know. This builds that state for real (the engine killed, the ban's row taken out of its database as if
/// the commit never happened) and shows what the restart does with it: the action's start re-creates the
/// table, so that element is gone, and every ban the database holds is in force again.
/// </summary>
[Collection(FirewallTestGroup.Name)]
public sealed class FirewallCrashTests
{
    [Fact]
    public async Task A_ban_in_the_kernel_but_not_in_the_database_after_a_kill_9_is_gone_after_the_restart()
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create("[nftables]");
        await using (var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null))
        {
            await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, NetLab.Scanner4);
            await FirewallConfig.ClientOkAsync(engine, "ban", FirewallConfig.Jail, NetLab.Scanner6);
            await Wait.UntilAsync(async () => !await lab.ScannerReachesAsync(NetLab.Victim4) && !await lab.ScannerReachesAsync(NetLab.Victim6), "the bans", engine);
            await engine.KillAsync();
        }

        // The commit of the IPv4 ban "never happened": its row goes, its element stays in the kernel.
        Forget(config.Dir, NetLab.Scanner4);
        Assert.DoesNotContain(StateDatabase.Bans(Path.Combine(config.Dir, "sj.db")), b => b.Address == NetLab.Scanner4);
        Assert.False(await lab.ScannerReachesAsync(NetLab.Victim4), "the kernel still drops the ban the database lost");

        await using var restarted = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null);
        await Wait.UntilAsync(async () => await lab.ScannerReachesAsync(NetLab.Victim4), "the start to remove the ban the database does not know", restarted);
        Assert.False(await lab.ScannerReachesAsync(NetLab.Victim6), "the ban the database holds is in force again");
        var banned = await restarted.ClientAsync("banned");
        Assert.Contains(NetLab.Scanner6, banned.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(NetLab.Scanner4, banned.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await restarted.StopAsync());
    }

    private static void Forget(string dir, string address)
    {
        SQLitePCL.Batteries_V2.Init();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dir, "sj.db"), Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM bans WHERE ip = $ip";
        command.Parameters.AddWithValue("$ip", address);
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
