using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;
using ScanJail.Core.Engine;
using ScanJail.Core.Tests.Configuration;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Engine;

/// <summary>
/// <c>start-resets: true</c>: an action whose start removes its bans is not held for the engine loop's
/// database commit, the others still are (the restart side is FirewallCrashTests in the daemon's tests).
/// </summary>
public sealed class StartResetsTests : IDisposable
{
    private readonly TempConfigDirectory _config = new();

    [Fact]
    public async Task A_start_resets_action_gets_its_ban_while_the_batch_is_open_and_a_plain_one_after_the_commit()
    {
        var reset = Path.Combine(_config.Root, "reset.out");
        var kept = Path.Combine(_config.Root, "kept.out");
        _config.Write("etc/actions/reset.yaml", $"""
            start: [sh, -c, 'rm -f "$1"', sh, "{reset}"]
            start-resets: true
            ban: [sh, -c, 'echo "$1" >> "$2"', sh, "<ip>", "{reset}"]
            """);
        _config.Write("etc/actions/kept.yaml", $"""
            ban: [sh, -c, 'echo "$1" >> "$2"', sh, "<ip>", "{kept}"]
            """);
        _config.Write("etc/jail.yaml", $"""
            jails:
              ssh: {"{"} source: {"{"} file: {Path.Combine(_config.Root, "auth.log")} {"}"}, filter: sshd, maxretry: 1, actions: [reset, kept] {"}"}
            """);
        var loaded = _config.Load(RepositoryRoot.Path);
        Assert.True(loaded.Config is not null, string.Join("\n", loaded.Errors));
        var release = new ActionRelease();
        var jail = JailBuilder.Build(loaded.Config.EnabledJails.Single(), null, TimeProvider.System, NullLoggerFactory.Instance, null, release);
        var ban = new Ban("ssh", System.Net.IPAddress.Parse("198.51.100.7"), DateTimeOffset.UnixEpoch, null, 1, 1, new Dictionary<string, string>());
        try
        {
            release.Hold(); // the loop's batch is open: its commit has not happened
            foreach (var action in jail.Actions)
            {
                action.Enqueue(ActionVerb.Ban, ban);
            }
            await PollAsync(() => File.Exists(reset) && File.ReadAllText(reset).Contains("198.51.100.7", StringComparison.Ordinal), "the start-resets action's ban before the commit");
            Assert.False(File.Exists(kept), "a plain action's ban waits for the commit");

            release.Release();
            await PollAsync(() => File.Exists(kept) && File.ReadAllText(kept).Contains("198.51.100.7", StringComparison.Ordinal), "the plain action's ban after the commit");
        }
        finally
        {
            foreach (var action in jail.Actions)
            {
                await action.DisposeAsync();
            }
        }
    }

    [Fact]
    public void Start_resets_needs_a_start_verb_and_the_shipped_nftables_action_has_it()
    {
        var errors = new ConfigErrors();
        Assert.Null(ActionLoader.Parse("start-resets: true\nban: [nft, add, element, inet, t, s, \"{ <ip> }\"]\n", "actions/a.yaml", "a", errors));
        Assert.Contains("there is no start verb to remove the action's bans", string.Join("\n", errors.Sorted()), StringComparison.Ordinal);

        errors = new ConfigErrors();
        Assert.Null(ActionLoader.Parse("start: [\"true\"]\nstart-resets: maybe\nban: [\"true\"]\n", "actions/b.yaml", "b", errors));
        Assert.Contains("expected true or false, found 'maybe'", string.Join("\n", errors.Sorted()), StringComparison.Ordinal);

        errors = new ConfigErrors();
        var nftables = ActionLoader.Load(Path.Combine(RepositoryRoot.Path, "actions", "nftables.yaml"), "nftables", errors);
        Assert.True(nftables is { StartResets: true }, string.Join("\n", errors.Sorted()));
        var iptables = ActionLoader.Load(Path.Combine(RepositoryRoot.Path, "actions", "iptables.yaml"), "iptables", errors);
        Assert.True(iptables is { StartResets: false }, string.Join("\n", errors.Sorted()));
    }

    private static async Task PollAsync(Func<bool> condition, string what)
    {
        var deadline = TimeProvider.System.GetTimestamp() + 30 * TimeProvider.System.TimestampFrequency;
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"waited 30 s for {what}");
            await Task.Delay(20);
        }
    }

    public void Dispose() => _config.Dispose();
}
