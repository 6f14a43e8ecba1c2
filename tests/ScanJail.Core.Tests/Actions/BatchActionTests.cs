using ScanJail.Core.Actions;
using ScanJail.Core.Configuration;
using ScanJail.Core.Tests.Filtering;
using ScanJail.Tests.Support;
using static ScanJail.Core.Tests.Actions.Fixtures;

namespace ScanJail.Core.Tests.Actions;

/// <summary>Batch ban/unban (lines on a command's standard input), parameter patterns, and the shipped firewall actions' files.</summary>
public sealed class BatchActionTests : IDisposable
{
    private readonly Scratch _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IReadOnlyList<ConfigError> Errors(string yaml)
    {
        var errors = new ConfigErrors();
        var definition = ActionLoader.Parse(yaml, "actions/test.yaml", "test", errors);
        Assert.True(definition is null == errors.Items.Count > 0);
        return errors.Sorted();
    }

    [Theory]
    [InlineData("nftables")]
    [InlineData("iptables")]
    [InlineData("ipset")]
    [InlineData("route-blackhole")]
    [InlineData("hosts-deny")]
    public void The_shipped_firewall_actions_load_and_need_no_parameters(string name)
    {
        var errors = new ConfigErrors();
        var definition = ActionLoader.Load(Path.Combine(RepositoryRoot.Path, "actions", $"{name}.yaml"), name, errors);

        Assert.Empty(errors.Items);
        var merged = ActionFactory.MergeParameters(definition!, new Dictionary<string, string>(), errors, "jail.yaml", null, "ssh");
        Assert.Empty(errors.Items);
        Assert.Equal(definition!.Parameters.Count, merged.Count);
    }

    [Theory]
    [InlineData("port", "22; flush ruleset")]
    [InlineData("port", "22 }\nflush ruleset")]
    [InlineData("blocktype", "accept")]
    [InlineData("hook", "input; policy drop")]
    public void A_jail_value_outside_the_parameter_pattern_is_refused(string parameter, string value)
    {
        var errors = new ConfigErrors();
        var definition = ActionLoader.Load(Path.Combine(RepositoryRoot.Path, "actions", "nftables.yaml"), "nftables", errors);

        ActionFactory.MergeParameters(definition!, new Dictionary<string, string> { [parameter] = value }, errors, "jail.yaml", null, "ssh");

        var error = Assert.Single(errors.Items);
        Assert.Contains("must match", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ban: { run: [nft, -f, '-'], each: 'add element inet t s { <user> }' }", "would hold text from the log")]
    [InlineData("parameters: { set: s }\nban: { run: [nft, -f, '-'], each: 'add element inet t <set> { <ip> }' }", "has no pattern")]
    [InlineData("ban: { run: [nft, -f, '-', '<ip>'], each: 'x' }", "runs once for many bans")]
    [InlineData("ban: { each: 'x' }", "needs run")]
    [InlineData("ban: { run: [nft, -f, '-'] }", "needs each")]
    [InlineData("ban: { run: [nft], each: 'x', extra: 1 }", "extra")]
    [InlineData("parameters: { set: s }\npatterns: { set: '[a-z]+', other: x }\nban: [true]", "not a declared parameter")]
    [InlineData("parameters: { set: S }\npatterns: { set: '[a-z]+' }\nban: [true]", "does not match")]
    [InlineData("parameters: { set: s }\npatterns: { set: '[a-z' }\nban: [true]", "regular expression")]
    [InlineData("check-interval: 10s\nban: [true]", "no check verb")]
    [InlineData("check-interval: 0s\ncheck: [true]\nban: [true]", "from 1s to 1d")]
    public void A_bad_batch_or_pattern_is_an_error_that_says_why(string yaml, string message)
    {
        var errors = Errors(yaml);

        Assert.Contains(errors, e => e.Message.Contains(message, StringComparison.Ordinal) || e.Field.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Queued_bans_go_to_one_run_as_lines_and_an_unban_waits_for_them()
    {
        var lines = _dir.File("lines");
        var runs = _dir.File("runs");
        await using var action = Create($"""
            parameters: {"{"} set: blocked {"}"}
            patterns: {"{"} set: '[a-z]+' {"}"}
            start: [sh, -c, 'sleep 0.3']
            ban:
              run: [sh, -c, 'cat >> "$0"; echo run >> "$1"', {Quote(lines)}, {Quote(runs)}]
              before: "begin <jail>"
              each: ["add <set> <family> <ip> <remaining>"]
              permanent: ["add <set> <family> <ip> forever"]
              after: "end"
            unban:
              run: [sh, -c, 'cat >> "$0"; echo run >> "$1"', {Quote(lines)}, {Quote(runs)}]
              each: "del <set> <ip>"
            """, time: new ManualTimeProvider(Start + TimeSpan.FromSeconds(30)));

        // start takes a moment, so all of these wait in the queue and leave it together.
        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.1"));
        action.Enqueue(ActionVerb.Ban, Ban("2001:db8::2", bantime: TimeSpan.FromSeconds(90)));
        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.3") with { End = null });
        action.Enqueue(ActionVerb.Unban, Ban("192.0.2.1"));
        action.Enqueue(ActionVerb.Unban, Ban("192.0.2.3"));
        await action.DrainAsync(Bounded());

        // <remaining> counts from the clock's now, 30 s into the bans (10 min and 90 s long).
        Assert.Equal(
            "begin ssh\nadd blocked inet4 192.0.2.1 570\nadd blocked inet6 2001:db8::2 60\nadd blocked inet4 192.0.2.3 forever\nend\n" +
            "del blocked 192.0.2.1\ndel blocked 192.0.2.3\n",
            await File.ReadAllTextAsync(lines));
        Assert.Equal("run\nrun\n", await File.ReadAllTextAsync(runs));
        Assert.Equal((6L, 0L, 0), (action.Health.Succeeded, action.Health.Failed, action.Health.Pending));
    }

    [Fact]
    public async Task A_failed_batch_is_retried_whole_and_counted_once_per_ban()
    {
        var attempts = _dir.File("attempts");
        await using var action = Create($"""
            start: [sh, -c, 'sleep 0.3']
            ban:
              run: [sh, -c, 'cat > /dev/null; echo x >> "$0"; [ $(wc -l < "$0") -ge 2 ]', {Quote(attempts)}]
              each: "<ip>"
            """);

        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.1"));
        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.2"));
        await action.DrainAsync(Bounded());

        Assert.Equal("x\nx\n", await File.ReadAllTextAsync(attempts));
        Assert.Equal((3L, 0L, 1L), (action.Health.Succeeded, action.Health.Failed, action.Health.Retrying));
        Assert.Contains("ban of 2 addresses", action.Health.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Remaining_and_v6_tags_have_values()
    {
        var now = Start + TimeSpan.FromMinutes(4);
        var four = TagValues.For(Ban("192.0.2.1"), "ssh", new Dictionary<string, string>(), now);
        var six = TagValues.For(Ban("2001:db8::1") with { End = null }, "ssh", new Dictionary<string, string>(), now);

        Assert.Equal(("360", ""), (four.Get("remaining"), four.Get("v6")));
        Assert.Equal(("-1", "6"), (six.Get("remaining"), six.Get("v6")));
    }
}
