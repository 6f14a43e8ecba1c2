using System.Net;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Engine;

namespace ScanJail.Core.Tests.Engine;

/// <summary>
/// The engine loop's hold on action items while its database batch is open: nothing reaches an action
/// before the release, everything reaches it after, in the order it came; other threads are not held.
/// </summary>
public sealed class ActionReleaseTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Items_queued_while_holding_reach_the_action_only_at_the_release_in_order()
    {
        var release = new ActionRelease();
        var inner = new RecordingAction();
        var action = new HeldAction(inner, release);
        var completed = false;

        release.Hold();
        action.Enqueue(ActionVerb.Ban, Ban(1));
        action.Enqueue(ActionVerb.Unban, Ban(1));
        action.Enqueue(ActionVerb.Ban, Ban(2));
        release.AfterRelease(() => completed = inner.Items.Count == 3);
        Assert.Empty(inner.Items);
        Assert.False(completed);

        release.Release();
        Assert.Equal(["Ban 198.51.100.1", "Unban 198.51.100.1", "Ban 198.51.100.2"], inner.Items);
        Assert.True(completed); // ran after the items were queued

        action.Enqueue(ActionVerb.Ban, Ban(3)); // not holding: straight through
        Assert.Equal("Ban 198.51.100.3", inner.Items[^1]);
    }

    [Fact]
    public async Task Another_thread_is_never_held()
    {
        var release = new ActionRelease();
        var inner = new RecordingAction();
        var action = new HeldAction(inner, release);
        release.Hold();
        await Task.Factory.StartNew(() => action.Enqueue(ActionVerb.Ban, Ban(4)), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.Equal(["Ban 198.51.100.4"], inner.Items);
        release.Release();
        Assert.Single(inner.Items);
    }

    private static Ban Ban(int i) => new("ssh", IPAddress.Parse($"198.51.100.{i}"), T0, T0.AddHours(1), 1, 1, new Dictionary<string, string>());

    // Records what reaches an action, in order: the order is the property under test, and a real command
    // action's order can only be read back through timing.
    private sealed class RecordingAction : IJailAction
    {
        public List<string> Items { get; } = [];

        public string Name => "record";

        public ActionHealth Health => new("record", 0, 0, 0, 0, null, null);

        public void Enqueue(ActionVerb verb, Ban? ban)
        {
            lock (Items)
            {
                Items.Add($"{verb} {ban?.Address}");
            }
        }

        public Task DrainAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
