using Microsoft.Extensions.Logging;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

// Batching (many queued bans in one run of a batch verb) and the periodic check with its repair.
internal sealed partial class QueuedAction
{
    /// <summary>At most this many bans go into one run; 10,000 nft elements are one quick transaction.</summary>
    public const int MaxBatch = 20_000;

    private readonly ActionRepair _repair;
    private readonly ITimer? _checkTimer;
    private int _tickQueued;
    // Touched by the loop only.
    private bool _needsRepair;

    private ITimer? StartCheckTimer() =>
        _repair.Interval is { } every && _runner.Steps(ActionVerb.Check) > 0
            ? _time.CreateTimer(_ => EnqueueTick(), null, every, every)
            : null;

    /// <summary>At most one tick waits in the queue: a long backoff must not pile them up.</summary>
    private void EnqueueTick()
    {
        // Timers that fall due together fire one after another on one thread: the check's command starts on the pool.
        HandOff = true;
        try
        {
            if (Interlocked.Exchange(ref _tickQueued, 1) == 0 && !_queue.Writer.TryWrite(new Item(ActionVerb.Check, null, null, Tick: true)))
            {
                Volatile.Write(ref _tickQueued, 0);
            }
        }
        finally
        {
            HandOff = false;
        }
    }

    private bool IsBatch(Item item) =>
        !item.Tick && item.Ban is not null && item.Verb is ActionVerb.Ban or ActionVerb.Unban && _runner.CanBatch(item.Verb);

    /// <summary>Takes <paramref name="first"/> and every item of the same verb right behind it (order kept: an item of another verb ends the batch).</summary>
    private List<Ban> TakeBatch(Item first)
    {
        var bans = new List<Ban> { first.Ban! };
        while (bans.Count < MaxBatch
            && _queue.Reader.TryPeek(out var next)
            && next.Verb == first.Verb && next.Ban is not null && next.Drained is null && !next.Tick
            && _queue.Reader.TryRead(out next))
        {
            bans.Add(next.Ban!);
        }
        return bans;
    }

    private async Task RunBatchVerbAsync(ActionVerb verb, IReadOnlyList<Ban> bans, int maxAttempts, CancellationToken token)
    {
        for (var attempt = 1; ; attempt++)
        {
            var began = _time.GetTimestamp();
            var result = await _runner.RunBatchAsync(verb, bans, token);
            if (result.Error is null)
            {
                Interlocked.Add(ref _succeeded, bans.Count);
                _logger.LogDebug("Action {Action} of jail {Jail}: {Verb} of {Count} address(es) in one run took {Milliseconds} ms",
                    Name, _jail, ActionLoader.VerbKey(verb), bans.Count, (long)_time.GetElapsedTime(began).TotalMilliseconds);
                return;
            }
            // Named only on a failure: formatting it first was on the way from a scan to its netlink write.
            var what = bans.Count == 1 ? $"{ActionLoader.VerbKey(verb)} {bans[0].Target}" : $"{ActionLoader.VerbKey(verb)} of {bans.Count} addresses";
            if (!await RetryAfterFailureAsync(what, attempt, maxAttempts, result.Error, token))
            {
                return;
            }
        }
    }

    /// <summary>
    /// The periodic check. Before the first start there is nothing to check. When <c>check</c> fails, or an
    /// earlier verb gave up, <c>start</c> runs again and every current ban of the jail is applied again (one
    /// attempt each: a tool still missing is tried again at the next tick, without holding up the queue).
    /// </summary>
    private async Task CheckAndRepairAsync(CancellationToken token)
    {
        Volatile.Write(ref _tickQueued, 0);
        if (!_started)
        {
            return;
        }
        string why;
        if (_needsRepair)
        {
            why = "an earlier command gave up";
        }
        else
        {
            var check = await _runner.RunAsync(ActionVerb.Check, null, 0, token);
            if (check.Error is null)
            {
                return;
            }
            why = $"check failed ({check.Error})";
        }
        _needsRepair = false;
        _logger.LogWarning("Action {Action} of jail {Jail}: {Why}; running start again and re-applying the jail's bans", Name, _jail, why);
        await RunVerbAsync(ActionVerb.Start, null, 1, token);
        if (_needsRepair)
        {
            return; // start gave up: the next tick tries again
        }
        var bans = await CurrentBansAsync(token);
        if (bans.Count > 0 && _runner.CanBatch(ActionVerb.Ban))
        {
            foreach (var chunk in bans.Chunk(MaxBatch))
            {
                await RunBatchVerbAsync(ActionVerb.Ban, chunk, 1, token);
            }
        }
        else
        {
            foreach (var ban in bans)
            {
                await RunVerbAsync(ActionVerb.Ban, ban, 1, token);
            }
        }
        _logger.LogWarning("Action {Action} of jail {Jail}: repaired, {Count} ban(s) applied again", Name, _jail, bans.Count);
    }

    private async Task<IReadOnlyList<Ban>> CurrentBansAsync(CancellationToken token)
    {
        if (_repair.CurrentBans is not { } source)
        {
            return [];
        }
        try
        {
            return await source(token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The engine is stopping (its loop no longer takes work): nothing to re-apply.
            _logger.LogWarning("Action {Action} of jail {Jail}: cannot get the current bans: {Error}", Name, _jail, e.Message);
            _needsRepair = true;
            return [];
        }
    }
}
