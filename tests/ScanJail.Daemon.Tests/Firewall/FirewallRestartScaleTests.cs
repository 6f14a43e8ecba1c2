using System.Diagnostics;
using System.Globalization;
using System.Net;
using ScanJail.Core.Bans;
using ScanJail.Core.Persistence;
using ScanJail.Daemon.Tests.EndToEnd;
using Xunit.Abstractions;

namespace ScanJail.Daemon.Tests.Firewall;

/// <summary>
/// A restart with more persisted bans than ipset's own default set size (65,536): every one is in the
/// kernel again, and <c>status</c> lists them all. The time is printed, never asserted.
/// </summary>
[Collection(FirewallTestGroup.Name)]
public sealed class FirewallRestartScaleTests(ITestOutputHelper output)
{
    private const int Many = 70_000;

    [Theory]
    [InlineData("nftables")]
    [InlineData("ipset")]
    public async Task A_restart_enforces_every_persisted_ban_and_status_lists_them(string action)
    {
        await using var lab = await NetLab.CreateAsync();
        using var config = FirewallConfig.Create($"[{action}]");
        Persist(Path.Combine(config.Dir, "sj.db"), Many);

        var clock = Stopwatch.StartNew();
        await using var engine = await EngineProcess.StartWithAsync(config.Dir, lab.Victim, null);
        await Wait.UntilAsync(async () => await FirewallScaleTests.CountAsync(lab, action) == Many, $"{Many} restored elements in the kernel", engine, seconds: 300);
        output.WriteLine($"{action}: restart with {Many} persisted bans, from starting scanjail to all in the kernel: {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Contains("Restored 70000 ban(s) from the database", engine.Output, StringComparison.Ordinal);

        var (code, stdout, stderr) = await engine.ClientAsync("status", FirewallConfig.Jail);
        Assert.True(code == 0, stderr);
        Assert.Contains($"Currently banned:\t{Many}\n", stdout, StringComparison.Ordinal);
        var listed = stdout.Split('\n').Single(l => l.Contains("Banned IP list:", StringComparison.Ordinal)).Split('\t')[1].Split(' ');
        Assert.Equal(Enumerable.Range(0, Many).Select(Address), listed); // oldest ban first
        // A stop that flushes 70,000 bans may take more than 2 s: it exits 0 all the same (it used to exit 143, SlowStopTests).
        Assert.Equal(0, await engine.StopAsync());
    }

    private static string Address(int i) => string.Create(CultureInfo.InvariantCulture, $"198.{18 + i / 65536}.{i / 256 % 256}.{i % 256}");

    /// <summary>What an engine that banned <paramref name="count"/> addresses and then stopped leaves in its database.</summary>
    private static void Persist(string database, int count)
    {
        using var store = SqliteStore.Open(database);
        var start = TimeProvider.System.GetUtcNow().AddMinutes(-10);
        for (var i = 0; i < count; i++)
        {
            var at = start.AddMilliseconds(i);
            store.SaveBan(new Ban(FirewallConfig.Jail, IPAddress.Parse(Address(i)), at, at.AddHours(1), 1, 1, new Dictionary<string, string>()));
        }
    }
}
