using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using static ScanJail.Core.Tests.Actions.Fixtures;

namespace ScanJail.Core.Tests.Actions;

/// <summary>
/// Where a quick action's item starts: on the queuing thread when the queue is idle (no hop on the way to
/// the ban command), on the pool when that thread hands off (the engine loop under load). The runner here
/// is a stand-in that records its thread: what is tested is the queue's dispatch, not a command.
/// </summary>
public sealed class QueuingThreadTests
{
    private sealed class ThreadRecorder : IVerbRunner
    {
        public ConcurrentQueue<(string Address, int Thread)> Runs { get; } = new();

        public bool StartsOnQueuingThread => true;

        public int Steps(ActionVerb verb) => verb == ActionVerb.Ban ? 1 : 0;

        public async Task<VerbResult> RunAsync(ActionVerb verb, Ban? ban, int fromStep, CancellationToken cancellationToken)
        {
            Runs.Enqueue((ban!.Address.ToString(), Environment.CurrentManagedThreadId));
            await Task.Delay(1, cancellationToken);
            return VerbResult.Done;
        }
    }

    private static QueuedAction Create(ThreadRecorder runner) =>
        new("recorder", "ssh", runner, new ActionRetryOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1), TimeProvider.System, NullLogger.Instance);

    [Fact]
    public async Task An_idle_queue_starts_the_item_on_the_queuing_thread()
    {
        var runner = new ThreadRecorder();
        await using var action = Create(runner);
        var queuing = new List<int>();
        // Idle means the loop is back waiting for items: after a drain it gets there a moment later, so an item
        // queued at once can still be taken by the loop itself on a busy machine. Each attempt waits a little
        // first; one item started on its queuing thread shows the path, none would mean it is gone.
        for (var attempt = 1; attempt <= 5 && !runner.Runs.Any(run => queuing.Contains(run.Thread)); attempt++)
        {
            await action.DrainAsync(Bounded());
            await Task.Delay(50 * attempt);
            queuing.Add(await Task.Factory.StartNew(() =>
            {
                action.Enqueue(ActionVerb.Ban, Ban($"192.0.2.{attempt}"));
                return Environment.CurrentManagedThreadId;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
            await action.DrainAsync(Bounded());
        }

        Assert.Contains(runner.Runs, run => queuing.Contains(run.Thread));
        Assert.Equal(queuing.Count, runner.Runs.Count);
    }

    [Fact]
    public async Task A_thread_that_hands_off_never_runs_an_item_and_the_order_is_kept()
    {
        var runner = new ThreadRecorder();
        await using var action = Create(runner);
        await action.DrainAsync(Bounded());

        var thread = await Task.Factory.StartNew(() =>
        {
            QueuedAction.HandOff = true;
            try
            {
                for (var i = 1; i <= 20; i++)
                {
                    action.Enqueue(ActionVerb.Ban, Ban($"192.0.2.{i}"));
                }
            }
            finally
            {
                QueuedAction.HandOff = false;
            }
            return Environment.CurrentManagedThreadId;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await action.DrainAsync(Bounded());

        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"192.0.2.{i}"), runner.Runs.Select(r => r.Address));
        Assert.DoesNotContain(runner.Runs, r => r.Thread == thread);
    }
}
