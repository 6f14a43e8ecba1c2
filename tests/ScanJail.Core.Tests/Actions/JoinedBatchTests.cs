using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;
using ScanJail.Tests.Support;
using static ScanJail.Core.Tests.Actions.Fixtures;

namespace ScanJail.Core.Tests.Actions;

/// <summary>A batch's <c>join</c> (its elements written as one statement per head and tail) and the cheap per-ban tags of batch lines.</summary>
public sealed class JoinedBatchTests : IDisposable
{
    private readonly Scratch _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Queued_bans_are_joined_per_statement_in_first_seen_order_each_element_once()
    {
        var lines = _dir.File("lines");
        await using var action = Create($"""
            parameters: {"{"} set: blocked {"}"}
            patterns: {"{"} set: '[a-z]+' {"}"}
            start: [sh, -c, 'sleep 0.3']
            ban:
              run: [sh, -c, 'cat >> "$0"', {Quote(lines)}]
              before: "begin <jail>"
              each: ["add <set> <family> {"{"} <ip> t<remaining> {"}"} end"]
              permanent: ["add <set> <family> {"{"} <ip> {"}"} end"]
              after: "commit"
              join: ", "
            unban:
              run: [sh, -c, 'cat >> "$0"', {Quote(lines)}]
              each: ["add <set> {"{"} <ip> {"}"}", "del <set> {"{"} <ip> {"}"}"]
              join: ";"
            """, time: new ManualTimeProvider(Start + TimeSpan.FromSeconds(30)));

        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.1"));
        action.Enqueue(ActionVerb.Ban, Ban("2001:db8::2", bantime: TimeSpan.FromSeconds(90)));
        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.3") with { End = null });
        action.Enqueue(ActionVerb.Unban, Ban("192.0.2.1"));
        action.Enqueue(ActionVerb.Unban, Ban("192.0.2.3"));
        action.Enqueue(ActionVerb.Unban, Ban("192.0.2.1"));
        await action.DrainAsync(Bounded());

        Assert.Equal(
            "begin ssh\nadd blocked inet4 { 192.0.2.1 t570, 192.0.2.3 } end\nadd blocked inet6 { 2001:db8::2 t60 } end\ncommit\n" +
            "add blocked { 192.0.2.1;192.0.2.3 }\ndel blocked { 192.0.2.1;192.0.2.3 }\n",
            await File.ReadAllTextAsync(lines));
        Assert.Equal((7L, 0L), (action.Health.Succeeded, action.Health.Failed)); // start and six bans or unbans
    }

    [Fact]
    public void Joined_statements_hold_every_element_once_in_order_and_at_most_the_bound_each()
    {
        var heads = Gen.Elements("add a {", "add b {", "del a {");
        // Runs of elements (up to 1,500 at once, so statements pass the bound), overlapping so that some repeat.
        var runs = Gen.Zip(heads, Gen.Zip(Gen.Choose(0, 3_000), Gen.Choose(0, 1_500)))
            .Select(t => Enumerable.Range(t.Item2.Item1, t.Item2.Item2).Select(i => (Head: t.Item1, Element: $"e{i}")));
        Prop.ForAll(runs.ListOf().Select(l => l.SelectMany(r => r).ToList()).ToArbitrary(), items =>
        {
            var joined = new JoinedStatements(", ");
            foreach (var (head, element) in items)
            {
                joined.Add(head, element, "}");
            }
            var lines = joined.Lines().ToList();
            var back = lines.SelectMany(l => l[(l.IndexOf('{') + 2)..^2].Split(", ").Select(e => (l[..(l.IndexOf('{') + 1)], e))).ToList();
            var expected = items.Distinct().ToList();
            // Grouped by head in first-seen order, elements in their order within a head.
            var grouped = expected.GroupBy(i => i.Item1).SelectMany(g => g).ToList();
            return back.SequenceEqual(grouped)
                && lines.All(l => l.Split(", ").Length <= JoinedStatements.MaxElements && l.EndsWith(" }", StringComparison.Ordinal));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_batch_line_tag_has_the_value_TagValues_gives_it()
    {
        var parameters = new Dictionary<string, string> { ["set"] = "blocked" };
        var addresses = ArbMap.Default.GeneratorFor<byte[]>()
            .Select(b => b.Length >= 16 ? new System.Net.IPAddress(b[..16]) : new System.Net.IPAddress(b.Concat(new byte[4]).Take(4).ToArray()));
        var seconds = Gen.Choose(-100_000, 100_000);
        Prop.ForAll(Gen.Zip(addresses, Gen.Zip(seconds, Gen.Elements(true, false))).ToArbitrary(), t =>
        {
            var (address, (offset, permanent)) = t;
            var ban = new Ban("ssh", address, Start, permanent ? null : Start.AddSeconds(Math.Abs(offset)), offset & 15, offset & 7, new Dictionary<string, string>());
            var now = Start.AddSeconds(offset);
            var full = TagValues.For(ban, "ssh", parameters, now);
            var cheap = new BanLineTags(TagValues.For(null, "ssh", parameters), now) { Ban = ban };
            return TagNames.BuiltIns.Append("set").Append("nothing").All(tag => full.Get(tag) == cheap.Get(tag));
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("ban: { run: [nft, -f, '-'], each: 'add <ip>', join: ', ' }", "needs an element between { and }")]
    [InlineData("ban: { run: [nft, -f, '-'], each: 'add { <ip> }', permanent: 'add {}', join: ', ' }", "'add {}' has none")]
    [InlineData("ban: { run: [nft, -f, '-'], each: 'add { <ip> }', join: '' }", "separator of joined elements")]
    [InlineData("ban: { run: [nft, -f, '-'], each: 'add { <ip> }', join: [', '] }", "separator of joined elements")]
    public void A_join_without_an_element_to_join_is_an_error_that_says_why(string yaml, string message)
    {
        var errors = new ConfigErrors();
        Assert.Null(ActionLoader.Parse(yaml, "actions/test.yaml", "test", errors));
        Assert.Contains(errors.Items, e => e.Message.Contains(message, StringComparison.Ordinal));
    }
}
