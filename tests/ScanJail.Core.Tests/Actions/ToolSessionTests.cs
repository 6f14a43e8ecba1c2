using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;
using ScanJail.Core.Tests.Filtering;
using static ScanJail.Core.Tests.Actions.Fixtures;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Actions;

/// <summary>
/// The shipped nftables action's kept-open <c>nft -i</c> session, against a real kernel in a test network
/// namespace: bans land, a killed process is started again and the ban still lands, a line nft refuses is
/// an error (retried by the queue as before), and the lines written to it hold only parsed addresses.
/// </summary>
public sealed partial class ToolSessionTests : IAsyncLifetime
{
    private readonly string _ns = "sjts-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync() => await OkAsync("ip", "netns", "add", _ns);

    public async Task DisposeAsync() => await Run.Async("ip", "netns", "del", _ns);

    /// <summary>The shipped file, with every nft run inside the test's namespace.</summary>
    private CommandVerbRunner Runner()
    {
        var definition = Definition(ShippedInside(), "nftables");
        var parameters = ActionFactory.MergeParameters(definition, new Dictionary<string, string>(), new ConfigErrors(), "jail.yaml", null, "ssh");
        return new CommandVerbRunner(definition, parameters, "ssh", TimeProvider.System);
    }

    private string ShippedInside()
    {
        var inside = $"ip netns exec {_ns} nft";
        // Without its netlink block: these tests are about the nft session (NetlinkActionTests cover netlink,
        // and a netlink socket made here would belong to the host's namespace, not the test's).
        return NetlinkBlock().Replace(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "actions", "nftables.yaml")), "")
            .Replace("[nft, ", $"[ip, netns, exec, {_ns}, nft, ", StringComparison.Ordinal)
            .Replace("| nft -f -", $"| {inside} -f -", StringComparison.Ordinal)
            .Replace("'nft ", $"'{inside} ", StringComparison.Ordinal)
            .Replace("|| exit 0; nft ", $"|| exit 0; {inside} ", StringComparison.Ordinal);
    }

    private static Ban BanOf(string ip) =>
        new("ssh", IPAddress.Parse(ip), TimeProvider.System.GetUtcNow(), TimeProvider.System.GetUtcNow().AddHours(1), 1, 1, new Dictionary<string, string>());

    private async Task<string> SetsAsync() =>
        (await OkAsync("ip", "netns", "exec", _ns, "nft", "list", "table", "inet", "sj-ssh")).Stdout;

    /// <summary>The table, or nothing while the action has not created it yet.</summary>
    private string SetsNow() =>
        Run.Async("ip", "netns", "exec", _ns, "nft", "list", "table", "inet", "sj-ssh").Result.Stdout;

    [Fact]
    public async Task Bans_go_through_one_kept_open_nft_and_land_in_the_kernel()
    {
        await using var runner = Runner();
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        var session = runner.SessionOf(ActionVerb.Ban)!;
        Assert.NotNull(session.ProcessId); // started with the action, before the first ban

        foreach (var ip in new[] { "198.51.100.7", "2001:db8::7", "198.51.100.8" })
        {
            Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, [BanOf(ip)], Bounded())).Error);
        }
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("203.0.113.1"), BanOf("203.0.113.2")], Bounded())).Error);
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Unban, [BanOf("198.51.100.8")], Bounded())).Error);

        var sets = await SetsAsync();
        foreach (var ip in new[] { "198.51.100.7", "2001:db8::7", "203.0.113.1", "203.0.113.2" })
        {
            Assert.Contains(ip, sets, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("198.51.100.8", sets, StringComparison.Ordinal);
        Assert.Same(session, runner.SessionOf(ActionVerb.Unban)); // ban and unban share the process
        Assert.Equal(1, session.Starts);
    }

    [Fact]
    public async Task A_killed_session_is_started_again_and_the_ban_still_lands()
    {
        await using var runner = Runner();
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        var session = runner.SessionOf(ActionVerb.Ban)!;
        var pid = session.ProcessId!.Value;

        // `ip netns exec` execs nft, so this is the nft process itself, started by this test.
        await OkAsync("kill", "-KILL", pid.ToString(CultureInfo.InvariantCulture));
        await Until.TrueAsync(() => !Process.GetProcesses().Any(p => p.Id == pid), "the killed nft to be gone");
        var result = await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("198.51.100.9")], Bounded());

        Assert.Null(result.Error);
        Assert.Equal(2, session.Starts);
        Assert.NotEqual(pid, session.ProcessId);
        Assert.Contains("198.51.100.9", await SetsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_nft_refuses_is_an_error_and_the_same_process_serves_the_retry()
    {
        await using var runner = Runner();
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        var session = runner.SessionOf(ActionVerb.Ban)!;
        await OkAsync("ip", "netns", "exec", _ns, "nft", "delete", "table", "inet", "sj-ssh");

        var refused = await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("198.51.100.10")], Bounded());
        Assert.NotNull(refused.Error);
        Assert.StartsWith("Error", refused.Error, StringComparison.Ordinal);

        // The queue retries after its backoff; by then the table is back (the repair runs start again).
        Assert.Null((await runner.RunAsync(ActionVerb.Start, null, 0, Bounded())).Error);
        Assert.Null((await runner.RunBatchAsync(ActionVerb.Ban, [BanOf("198.51.100.10")], Bounded())).Error);
        Assert.Contains("198.51.100.10", await SetsAsync(), StringComparison.Ordinal);
        Assert.Equal(1, session.Starts);
    }

    [Fact]
    public async Task Through_the_queue_a_ban_after_the_session_was_killed_lands_and_nothing_failed()
    {
        var action = Create(ShippedInside(), name: "nftables");
        await using (action)
        {
            action.Enqueue(ActionVerb.Ban, BanOf("198.51.100.20"));
            await Until.TrueAsync(() => SetsNow().Contains("198.51.100.20", StringComparison.Ordinal), "the first ban in the kernel");
            var pid = SessionChildren().Single();

            await OkAsync("kill", "-KILL", pid.ToString(CultureInfo.InvariantCulture));
            await Until.TrueAsync(() => !SessionChildren().Contains(pid), "the killed nft to be gone");
            action.Enqueue(ActionVerb.Ban, BanOf("198.51.100.21"));

            await Until.TrueAsync(() => SetsNow().Contains("198.51.100.21", StringComparison.Ordinal), "the second ban in the kernel");
            Assert.Equal(0, action.Health.Failed);
            Assert.Single(SessionChildren());
        }
        // Disposing the action ends its nft (end of input).
        await Until.TrueAsync(() => SessionChildren().Count == 0, "nft to exit with the action");
    }

    [Fact]
    public async Task A_ban_queued_on_an_idle_session_action_is_written_to_nft_on_the_queuing_thread()
    {
        var runner = Runner();
        Assert.True(((IVerbRunner)runner).WritesToSession);
        var action = new QueuedAction("nftables", "ssh", runner, new ActionRetryOptions(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), 3),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await using (action)
        {
            action.Enqueue(ActionVerb.Start, null);
            await action.DrainAsync(Bounded());
            var session = runner.SessionOf(ActionVerb.Ban)!;
            // The engine loop queues a ban right after its commit: the line must reach nft before Enqueue
            // returns, not after a hop through the thread pool. The action's loop parks once the previous
            // answer is read; a try that meets it still busy is taken again (at most five).
            var inline = false;
            for (var i = 0; i < 5 && !inline; i++)
            {
                await Until.TrueAsync(() => action.Health.Pending == 0, "the action to be idle");
                await Task.Delay(100);
                var written = session.LinesWritten;
                action.Enqueue(ActionVerb.Ban, BanOf($"198.51.100.{30 + i}"));
                inline = session.LinesWritten == written + 1;
            }
            Assert.True(inline, "no ban was written to nft on the queuing thread");
            await Until.TrueAsync(() => SetsNow().Contains("198.51.100.30", StringComparison.Ordinal), "the ban in the kernel");
            await Until.TrueAsync(() => action.Health.Pending == 0, "the action to be idle");
            Assert.Equal(0, action.Health.Failed);
        }
    }

    [Fact]
    public void Only_an_action_whose_bans_and_unbans_all_go_to_a_session_takes_items_on_the_queuing_thread()
    {
        Assert.True(((IVerbRunner)Runner()).WritesToSession);
        var commands = Definition("ban: [nft, add, element, x]\nunban: [nft, delete, element, x]", "plain");
        Assert.False(((IVerbRunner)new CommandVerbRunner(commands, new Dictionary<string, string>(), "ssh", TimeProvider.System)).WritesToSession);
        var unbanByCommand = Definition("ban: { run: [nft, -f, '-'], each: 'x', session: [nft, -i] }\nunban: [nft, delete, element, x]", "mixed");
        Assert.False(((IVerbRunner)new CommandVerbRunner(unbanByCommand, new Dictionary<string, string>(), "ssh", TimeProvider.System)).WritesToSession);
    }

    /// <summary>This test process's children running `ip netns exec NS nft -i` (exec'd into nft).</summary>
    private static List<int> SessionChildren()
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (ppid == Environment.ProcessId && cmdline == "nft\0-i\0")
                {
                    found.Add(int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // Not a process, or gone meanwhile.
            }
        }
        return found;
    }

    [Fact]
    public void Lines_written_to_nft_hold_a_parsed_address_and_never_a_capture()
    {
        var runner = Runner();
        var addresses = ArbMap.Default.GeneratorFor<byte[]>()
            .Select(b => b.Length >= 16 ? new IPAddress(b[..16]) : new IPAddress(b.Concat(new byte[4]).Take(4).ToArray()));
        var captures = ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "");
        Prop.ForAll(Gen.Zip(addresses, captures).ToArbitrary(), pair =>
        {
            var (address, capture) = pair;
            var fields = new Dictionary<string, string> { ["user"] = capture + "} ; flush ruleset", ["ip"] = "1.2.3.4 } ; flush ruleset" };
            var ban = new Ban("ssh", address, Start, Start.AddHours(1), 1, 1, fields);
            var lines = runner.Lines(ActionVerb.Ban, [ban]).Concat(runner.Lines(ActionVerb.Unban, [ban])).ToList();
            return lines.All(l => ElementLine().Match(l) is { Success: true } m && IPAddress.Parse(m.Groups[1].Value).Equals(address))
                && !lines.Any(l => l.Contains("flush", StringComparison.Ordinal));
        }).QuickCheckThrowOnFailure();
    }

    [GeneratedRegex(@"^(?:add|delete) element inet sj-ssh addr-inet[46] \{ ([0-9a-f:.]+)(?: timeout [0-9]+s)? \}$")]
    private static partial Regex ElementLine();

    [Theory]
    [InlineData("ban: { run: [nft, -f, '-'], each: 'x', session: [nft, -i, '<ip>'] }", "the process serves every ban")]
    [InlineData("ban: { run: [nft, -f, '-'], each: 'x', session: 'nft -i' }", "one transaction per line")]
    public void A_session_with_a_ban_tag_or_as_a_string_is_refused(string yaml, string message)
    {
        var errors = new ConfigErrors();
        Assert.Null(ActionLoader.Parse(yaml, "actions/test.yaml", "test", errors));
        Assert.Contains(errors.Items, e => e.Message.Contains(message, StringComparison.Ordinal));
    }


    private static async Task<(int Code, string Stdout, string Stderr)> OkAsync(params string[] argv)
    {
        var result = await Run.Async(argv);
        Assert.True(result.Code == 0, $"{string.Join(' ', argv)}: {result.Stderr}");
        return result;
    }

    [GeneratedRegex(@"^netlink:\n(  .*\n)+", RegexOptions.Multiline)]
    private static partial Regex NetlinkBlock();
}
