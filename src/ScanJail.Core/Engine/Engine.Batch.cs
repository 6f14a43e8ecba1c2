using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ScanJail.Core.Engine;

/// <summary>
/// The loop handles the messages waiting in its inbox as one batch: their database writes (bans,
/// unbans, checkpoints) share one SQLite transaction, and the action items they queued are handed
/// to the actions together (<see cref="ActionRelease"/>): before the commit when every ban of the
/// batch is in the store's journal (<see cref="SqliteStore.BatchBansJournaled"/>), after it otherwise.
/// So a ban is still durable before its action runs (a kill -9 at any point loses no ban that
/// reached a firewall), a burst of bans pays one commit instead of one each, and an idle ban's
/// command no longer waits for SQLite. A batch is cut short (<see cref="BatchCut"/>) so that under
/// load a ban waits at most a millisecond for its actions.
/// </summary>
public sealed partial class Engine
{
    /// <summary>
    /// Failures counted since the last checkpoint above which one is written at the end of the batch
    /// rather than at the next tick: under 100,000 failing addresses a second-long checkpoint wrote
    /// tens of thousands of rows at once and held the loop for hundreds of milliseconds; small ones
    /// spread that work between bans.
    /// </summary>
    private const int CheckpointEvery = 2048;

    private void HandleBatch()
    {
        _store.BeginBatch();
        _release.Hold();
        var started = Stopwatch.GetTimestamp();
        var bansBefore = Counters.Bans.Value;
        try
        {
            var handled = 0;
            while (_inbox.TryRead(out var message))
            {
                HandleMessage(message);
                if (BatchCut.Ends(++handled, Stopwatch.GetElapsedTime(started), Counters.Bans.Value != bansBefore, _options.Replay))
                {
                    break;
                }
            }
            if (BatchCut.Checkpoints(_failuresSinceCheckpoint, CheckpointEvery, Counters.Bans.Value != bansBefore, _options.Replay))
            {
                Checkpoint();
            }
        }
        finally
        {
            // Under load the ban's command starts on the pool; idle, on this thread, without a hop.
            var handOff = !_inbox.IsEmpty;
            var released = _store.BatchBansJournaled;
            if (released)
            {
                _release.Release(handOff);
            }
            try
            {
                _store.CommitBatch();
                _book.BatchCommitted();
            }
            catch (Exception e) when (e is SqliteException or IOException or InvalidOperationException)
            {
                // Disk full, read-only: the bans stay enforced from memory, as with a single failed write,
                // and what the batch wrote is written again by the next checkpoint that succeeds.
                Counters.DatabaseErrors.Increment();
                _book.BatchFailed();
                if (_checkpointInBatch is { } pending)
                {
                    Counters.CheckpointErrors.Increment();
                    Remark(pending.Failures, pending.Cleared);
                }
                _logger.LogError("Database {Path}: {Message}; bans are enforced from memory", _store.Path, _store.Explain(e));
            }
            _checkpointInBatch = null;
            if (!released)
            {
                _release.Release(handOff);
            }
        }
    }
}
