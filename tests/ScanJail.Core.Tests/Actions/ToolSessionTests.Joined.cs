using System.Net;
using System.Text.Json;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using static ScanJail.Core.Tests.Actions.Fixtures;

namespace ScanJail.Core.Tests.Actions;

// A restart's batch through the shipped nftables action: the bans' elements joined into one statement per
// set (`join`), against the real kernel in the test's namespace.
public sealed partial class ToolSessionTests
{
    private static Ban BanOf(int i, bool six = false, bool permanent = false)
    {
        var address = six ? IPAddress.Parse($"2001:db8::{i:x}") : new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
        var now = TimeProvider.System.GetUtcNow();
        return new Ban("ssh", address, now, permanent ? null : now.AddHours(1), 1, 1, new Dictionary<string, string>());
    }

    /// <summary>Every element of both sets, as the kernel holds them.</summary>
    private async Task<SortedSet<string>> ElementsAsync()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var set in new[] { "addr-inet4", "addr-inet6" })
        {
            var json = (await OkAsync("ip", "netns", "exec", _ns, "nft", "-j", "list", "set", "inet", "sj-ssh", set)).Stdout;
            using var document = JsonDocument.Parse(json);
            foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
            {
                if (item.TryGetProperty("set", out var body) && body.TryGetProperty("elem", out var elements))
                {
                    foreach (var element in elements.EnumerateArray())
                    {
                        // A plain address, or { "elem": { "val": address, "timeout": ... } } with a timeout.
                        var value = element.ValueKind == JsonValueKind.String ? element : element.GetProperty("elem").GetProperty("val");
                        found.Add(IPAddress.Parse(value.GetString()!).ToString());
                    }
                }
            }
        }
        return found;
    }

    [Fact]
    public async Task A_restart_sized_batch_is_written_as_joined_statements_and_the_sets_hold_exactly_its_bans()
    {
        await using var runner = Runner();
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        var bans = Enumerable.Range(0, 2_500).Select(i => BanOf(i, permanent: i % 500 == 7))
            .Concat(Enumerable.Range(1, 300).Select(i => BanOf(i, six: true)))
            .ToList();

        var lines = runner.Lines(ActionVerb.Ban, bans);
        // 2,500 IPv4 elements in statements of at most 1,000, then 300 IPv6: four statements, not 2,800.
        Assert.Equal(4, lines.Count);
        Assert.All(lines, l => Assert.Matches(@"^add element inet sj-ssh addr-inet[46] \{ [^{}]+ \}$", l));
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, bans, Bounded(120))).Error);
        Assert.Equal(bans.Select(b => b.Target).ToHashSet(), (await ElementsAsync()).ToHashSet());

        // Unbans across a statement's bound, one of them twice and one never banned: exactly the rest stays.
        var lifted = bans.Where((_, i) => i % 2 == 0).Append(bans[0]).Append(BanOf(9_999)).ToList();
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Unban, lifted, Bounded(120))).Error);
        Assert.Equal(bans.Where((_, i) => i % 2 == 1).Select(b => b.Target).ToHashSet(), (await ElementsAsync()).ToHashSet());
    }

    [Fact]
    public async Task A_big_batch_nft_refuses_fails_whole_says_how_many_and_lands_whole_on_the_retry()
    {
        await using var runner = Runner();
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        // The IPv6 set gone (its rule first: a set in use cannot be deleted), the IPv4 set still there.
        await OkAsync("ip", "netns", "exec", _ns, "nft", "flush", "chain", "inet", "sj-ssh", "input");
        await OkAsync("ip", "netns", "exec", _ns, "nft", "delete", "set", "inet", "sj-ssh", "addr-inet6");
        var bans = Enumerable.Range(0, 1_500).Select(i => BanOf(i)).Append(BanOf(1, six: true)).ToList();

        // One set gone: the transaction is refused whole, nothing of it lands, and the error names the batch.
        var refused = await runner.RunBatchAsync(ActionVerb.Ban, bans, Bounded(120));
        Assert.StartsWith("1501 at once: ", refused.Error, StringComparison.Ordinal);
        Assert.Empty(await Ipv4ElementLinesAsync());

        // The queue's retry after the repair (start again) applies the same batch, all of it.
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, bans, Bounded(120))).Error);
        Assert.Equal(bans.Select(b => b.Target).ToHashSet(), (await ElementsAsync()).ToHashSet());
    }

    /// <summary>The IPv4 set's elements only (the IPv6 set is gone in the refused-batch test).</summary>
    private async Task<List<string>> Ipv4ElementLinesAsync()
    {
        var text = (await OkAsync("ip", "netns", "exec", _ns, "nft", "list", "set", "inet", "sj-ssh", "addr-inet4")).Stdout;
        return [.. text.Split('\n').Where(l => l.Contains("elements", StringComparison.Ordinal))];
    }
}
