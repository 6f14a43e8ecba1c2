using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Actions;
using ScanJail.Core.Actions.Netlink;
using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;
using ScanJail.Tests.Support;
using static ScanJail.Core.Tests.Actions.Fixtures;

namespace ScanJail.Core.Tests.Actions.Netlink;

/// <summary>
/// The shipped nftables action's <c>netlink:</c> block against the real kernel, inside a test network
/// namespace: the engine's own netlink socket is made on a thread that entered the namespace (never in
/// the host's), the action's nft commands run through <c>ip netns exec</c>. What lands is read back with
/// <c>nft -j list set</c>: elements of both families, their timeouts, deletes, and errors when the table is gone.
/// </summary>
public sealed class NetlinkActionTests : IAsyncLifetime
{
    private readonly string _ns = "sjnl-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync() => await Run.OkAsync("ip", "netns", "add", _ns);

    public async Task DisposeAsync() => await Run.Async("ip", "netns", "del", _ns);

    private string ShippedInside()
    {
        var inside = $"ip netns exec {_ns} nft";
        return File.ReadAllText(Path.Combine(RepositoryRoot.Path, "actions", "nftables.yaml"))
            .Replace("[nft, ", $"[ip, netns, exec, {_ns}, nft, ", StringComparison.Ordinal)
            .Replace("| nft -f -", $"| {inside} -f -", StringComparison.Ordinal)
            .Replace("'nft ", $"'{inside} ", StringComparison.Ordinal)
            .Replace("|| exit 0; nft ", $"|| exit 0; {inside} ", StringComparison.Ordinal);
    }

    private NetlinkSocket OpenInside() => NetNamespace.Inside(_ns, () => NetlinkSocket.Open(TimeSpan.FromSeconds(2)));

    private (CommandVerbRunner Runner, ActionDefinition Definition, IReadOnlyDictionary<string, string> Parameters) Shipped(Dictionary<string, string>? given = null)
    {
        var definition = Definition(ShippedInside(), "nftables");
        var parameters = ActionFactory.MergeParameters(definition, given ?? [], new ConfigErrors(), "jail.yaml", null, "ssh");
        return (new CommandVerbRunner(definition, parameters, "ssh", TimeProvider.System, OpenInside), definition, parameters);
    }

    private static Ban BanOf(string ip, TimeSpan? left = null, bool permanent = false)
    {
        var now = TimeProvider.System.GetUtcNow();
        return new Ban("ssh", IPAddress.Parse(ip), now, permanent ? null : now + (left ?? TimeSpan.FromHours(1)), 1, 1, new Dictionary<string, string>());
    }

    /// <summary>The set's elements and their timeouts in seconds (null: none), as nft reads them from the kernel.</summary>
    private async Task<Dictionary<string, long?>> ElementsAsync(string set)
    {
        var found = new Dictionary<string, long?>();
        var json = await Run.OkAsync("ip", "netns", "exec", _ns, "nft", "-j", "list", "set", "inet", "sj-ssh", set);
        using var document = JsonDocument.Parse(json);
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("set", out var body) && body.TryGetProperty("elem", out var elements))
            {
                foreach (var element in elements.EnumerateArray())
                {
                    if (element.ValueKind == JsonValueKind.String)
                    {
                        found[IPAddress.Parse(element.GetString()!).ToString()] = null;
                        continue;
                    }
                    var inner = element.GetProperty("elem");
                    found[IPAddress.Parse(inner.GetProperty("val").GetString()!).ToString()] =
                        inner.TryGetProperty("timeout", out var timeout) ? timeout.GetInt64() : null;
                }
            }
        }
        return found;
    }

    [Fact]
    public async Task Bans_of_both_families_land_as_elements_with_the_time_they_have_left_and_no_nft_process()
    {
        var (runner, _, _) = Shipped();
        await using var owned = runner;
        Assert.True(runner.UsesNetlink);
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);

        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("198.51.100.7"), BanOf("2001:db8::7", TimeSpan.FromMinutes(10))], Bounded())).Error);
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("198.51.100.8", permanent: true)], Bounded())).Error);

        var v4 = await ElementsAsync("addr-inet4");
        var v6 = await ElementsAsync("addr-inet6");
        Assert.InRange(v4["198.51.100.7"]!.Value, 3590, 3600);
        Assert.Null(v4["198.51.100.8"]); // permanent: no timeout
        Assert.InRange(v6["2001:db8::7"]!.Value, 590, 600);
        Assert.Equal(2, v4.Count);
        Assert.Single(v6);
        Assert.Equal(2, runner.NetlinkBatches);
        // The kept-open nft was never started: start warms the netlink socket instead.
        Assert.Equal(0, runner.SessionOf(ActionVerb.Ban)!.Starts);
    }

    [Fact]
    public async Task A_ban_of_an_element_already_there_gives_it_the_new_timeout()
    {
        var (runner, _, _) = Shipped();
        await using var owned = runner;
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);

        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("198.51.100.9", TimeSpan.FromMinutes(5))], Bounded())).Error);
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("198.51.100.9", TimeSpan.FromHours(2))], Bounded())).Error);

        Assert.InRange((await ElementsAsync("addr-inet4"))["198.51.100.9"]!.Value, 7190, 7200);
    }

    [Fact]
    public async Task An_unban_deletes_the_element_and_one_of_an_element_already_gone_is_no_error()
    {
        var (runner, _, _) = Shipped();
        await using var owned = runner;
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("198.51.100.7"), BanOf("198.51.100.8"), BanOf("2001:db8::7")], Bounded())).Error);

        // 198.51.100.9 and 2001:db8::9 were never there (an element that expired by its timeout looks the same).
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Unban, [BanOf("198.51.100.7"), BanOf("198.51.100.9"), BanOf("2001:db8::7"), BanOf("2001:db8::9")], Bounded())).Error);

        Assert.Equal(["198.51.100.8"], (await ElementsAsync("addr-inet4")).Keys);
        Assert.Empty(await ElementsAsync("addr-inet6"));
    }

    [Fact]
    public async Task Sixty_four_queued_bans_go_to_the_kernel_in_one_netlink_transaction()
    {
        var (runner, _, _) = Shipped();
        await using var owned = runner;
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        var bans = Enumerable.Range(1, 64).Select(i => BanOf(i % 2 == 0 ? $"10.0.{i}.1" : $"2001:db8::{i:x}")).ToList();

        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, bans, Bounded())).Error);

        Assert.Equal(1, runner.NetlinkBatches);
        Assert.Equal(32, (await ElementsAsync("addr-inet4")).Count);
        Assert.Equal(32, (await ElementsAsync("addr-inet6")).Count);
    }

    [Fact]
    public async Task A_missing_table_is_an_error_that_says_so_and_start_makes_the_same_socket_work_again()
    {
        var (runner, _, _) = Shipped();
        await using var owned = runner;
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        await Run.OkAsync("ip", "netns", "exec", _ns, "nft", "delete", "table", "inet", "sj-ssh");

        var refused = await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("198.51.100.10")], Bounded());
        Assert.NotNull(refused.Error);
        Assert.Contains("sj-ssh or its set does not exist", refused.Error, StringComparison.Ordinal);
        var unban = await runner.RunBatchAsync(ActionVerb.Unban, [BanOf("198.51.100.10")], Bounded());
        Assert.Contains("does not exist", unban.Error, StringComparison.Ordinal);

        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("198.51.100.10")], Bounded())).Error);
        Assert.Contains("198.51.100.10", (await ElementsAsync("addr-inet4")).Keys);
    }

    [Fact]
    public async Task A_ban_that_fails_while_the_table_is_gone_is_retried_reported_and_repaired_by_the_check()
    {
        var (runner, _, _) = Shipped();
        var current = new List<Ban> { BanOf("198.51.100.20"), BanOf("2001:db8::20") };
        var repair = new ActionRepair(TimeSpan.FromSeconds(60), _ => Task.FromResult<IReadOnlyList<Ban>>([.. current]));
        var retry = new ActionRetryOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 3);
        // The queue's clock (backoff, check ticks) moves only when the test says: the tick cannot repair before the ban failed.
        var clock = new ManualTimeProvider();
        await using var action = new QueuedAction("nftables", "ssh", runner, retry, clock, NullLogger.Instance, repair);
        action.Enqueue(ActionVerb.Ban, current[0]);
        // Start and the first ban: two verbs done.
        await Until.TrueAsync(() => action.Health.Succeeded >= 2, "the first ban");
        await Run.OkAsync("ip", "netns", "exec", _ns, "nft", "delete", "table", "inet", "sj-ssh");

        action.Enqueue(ActionVerb.Ban, current[1]);

        await Until.TrueAsync(() => action.Health.Failed >= 1, $"the ban to give up after its retries: {action.Health}", () => clock.Advance(TimeSpan.FromMilliseconds(500)));
        Assert.Contains("does not exist", action.Health.LastError, StringComparison.Ordinal);
        Assert.Equal(2, action.Health.Retrying);
        // The next check tick runs start again and applies every current ban again.
        await Until.TrueAsync(() => Run.Async("ip", "netns", "exec", _ns, "nft", "list", "set", "inet", "sj-ssh", "addr-inet6").Result.Stdout
            .Contains("2001:db8::20", StringComparison.Ordinal), "the repair to put both bans back", () => clock.Advance(TimeSpan.FromSeconds(10)), seconds: 20);
        Assert.Contains("198.51.100.20", (await ElementsAsync("addr-inet4")).Keys);
    }

    [Fact]
    public void With_interval_sets_the_action_keeps_its_nft_lines()
    {
        var definition = Definition(ShippedInside(), "nftables");
        var parameters = ActionFactory.MergeParameters(definition, new Dictionary<string, string> { ["subnets"] = "yes" }, new ConfigErrors(), "jail.yaml", null, "ssh");
        var runner = new CommandVerbRunner(definition, parameters, "ssh", TimeProvider.System, () => throw new IOException("no netlink expected"));

        Assert.False(runner.UsesNetlink);
        Assert.True(runner.WritesToSession);
        Assert.Equal("sj-<jail>", definition.Netlink!.Table);
        Assert.Equal((byte?)1, NetlinkSets.FamilyNumber(definition.Netlink.Family));
    }
}
