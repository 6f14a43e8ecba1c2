using ScanJail.Core.Actions;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Engine;

/// <summary>
/// Holds the action items the engine loop queues while its database batch is open, and hands them to
/// their actions, in order, once the batch is committed: a ban is durable before its action runs, so
/// a kill -9 can never leave a firewall entry the database does not know about (it would never be
/// lifted). Only the thread that opened the hold is held; any other enqueue goes straight through.
/// </summary>
internal sealed class ActionRelease
{
    private readonly List<(IJailAction Action, ActionVerb Verb, Ban? Ban)> _held = [];
    private readonly List<Action> _after = [];
    private int _holdingThread = -1;

    /// <summary>From now, enqueues on this thread wait for <see cref="Release"/>.</summary>
    public void Hold() => _holdingThread = Environment.CurrentManagedThreadId;

    /// <summary>True when the item was held; false when the caller should enqueue it now.</summary>
    public bool TryHold(IJailAction action, ActionVerb verb, Ban? ban)
    {
        if (_holdingThread != Environment.CurrentManagedThreadId)
        {
            return false;
        }
        _held.Add((action, verb, ban));
        return true;
    }

    /// <summary>
    /// Runs <paramref name="then"/> after the release when holding (at once otherwise): a caller waiting for
    /// loop work (a reload that then drains its retired actions) must see that work's items already queued.
    /// </summary>
    public void AfterRelease(Action then)
    {
        if (_holdingThread == Environment.CurrentManagedThreadId)
        {
            _after.Add(then);
        }
        else
        {
            then();
        }
    }

    /// <summary>
    /// Ends the hold, queues every held item in the order it came, then runs what waited for it. With
    /// <paramref name="handOff"/> (more work waits for the loop) no item starts on this thread
    /// (<see cref="QueuedAction.HandOff"/>); otherwise an idle command action starts its ban here.
    /// </summary>
    public void Release(bool handOff = false)
    {
        _holdingThread = -1;
        QueuedAction.HandOff = handOff;
        try
        {
            foreach (var (action, verb, ban) in _held)
            {
                action.Enqueue(verb, ban);
            }
        }
        finally
        {
            QueuedAction.HandOff = false;
        }
        _held.Clear();
        foreach (var then in _after)
        {
            then();
        }
        _after.Clear();
    }
}
