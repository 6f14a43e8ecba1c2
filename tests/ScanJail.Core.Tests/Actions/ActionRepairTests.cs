using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;
using static ScanJail.Core.Tests.Actions.Fixtures;

namespace ScanJail.Core.Tests.Actions;

/// <summary>
/// The periodic check with real commands and real time (a 1 s interval): a "firewall" here is a state file
/// that start creates and ban appends to; deleting it is someone flushing the firewall, and a flag file
/// makes every command fail like a missing tool.
/// </summary>
public sealed class ActionRepairTests : IDisposable
{
    private readonly Scratch _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IJailAction Create(IReadOnlyList<Ban> current, string broken, string state)
    {
        var definition = Definition($"""
            check-interval: 1s
            start: [sh, -c, '[ ! -e "$0" ] && : > "$1"', {Quote(broken)}, {Quote(state)}]
            check: [sh, -c, 'echo check >> "$0.checks"; test -e "$0"', {Quote(state)}]
            ban:   [sh, -c, '[ ! -e "$0" ] && [ -e "$1" ] && echo "$2" >> "$1"', {Quote(broken)}, {Quote(state)}, "<ip>"]
            """);
        var config = new ActionConfig("fake", definition, new Dictionary<string, string>());
        return ActionFactory.Create(config, "ssh", TimeProvider.System, NullLogger.Instance,
            new ActionRetryOptions(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), 2),
            _ => Task.FromResult(current));
    }

    [Fact]
    public async Task A_vanished_firewall_is_started_again_with_every_current_ban()
    {
        var state = _dir.File("state");
        IReadOnlyList<Ban> current = [Ban("192.0.2.1"), Ban("2001:db8::2")];
        await using var action = Create(current, _dir.File("broken"), state);
        action.Enqueue(ActionVerb.Ban, current[0]);
        action.Enqueue(ActionVerb.Ban, current[1]);
        await action.DrainAsync(Bounded());
        Assert.Equal("192.0.2.1\n2001:db8::2\n", await File.ReadAllTextAsync(state));

        File.Delete(state);

        await Until.TrueAsync(() => File.Exists(state) && File.ReadAllText(state) == "192.0.2.1\n2001:db8::2\n", "the repair", seconds: 15);
    }

    [Fact]
    public async Task Bans_that_gave_up_while_the_tool_was_missing_are_applied_once_it_is_back()
    {
        var state = _dir.File("state");
        var broken = _dir.File("broken");
        File.WriteAllText(broken, "");
        IReadOnlyList<Ban> current = [Ban("192.0.2.1")];
        await using var action = Create(current, broken, state);

        action.Enqueue(ActionVerb.Ban, current[0]);
        await action.DrainAsync(Bounded());
        Assert.False(File.Exists(state));
        Assert.Equal(2, action.Health.Failed); // start and ban gave up
        Assert.NotNull(action.Health.LastError);

        File.Delete(broken);

        await Until.TrueAsync(() => File.Exists(state) && File.ReadAllText(state) == "192.0.2.1\n", "the bans after the tool came back", seconds: 15);
    }

    [Fact]
    public async Task A_healthy_check_changes_nothing()
    {
        var state = _dir.File("state");
        IReadOnlyList<Ban> current = [Ban("192.0.2.1")];
        await using var action = Create(current, _dir.File("broken"), state);
        action.Enqueue(ActionVerb.Ban, current[0]);
        await action.DrainAsync(Bounded());
        var succeeded = action.Health.Succeeded;

        await Until.TrueAsync(() => File.Exists(state + ".checks") && File.ReadAllLines(state + ".checks").Length >= 2, "two checks", seconds: 15);

        Assert.Equal("192.0.2.1\n", await File.ReadAllTextAsync(state));
        Assert.Equal(succeeded, action.Health.Succeeded); // no start or ban ran again
    }
}
