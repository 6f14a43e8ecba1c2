namespace ScanJail.Core.Engine;

/// <summary>
/// A router's spare batch lists: the loop gives a batch's list back once it has counted its failures, and the
/// router fills it again, instead of a new array of up to 256 failures (56 bytes each) per message, a third
/// of what a replay allocated. At most <see cref="MaxSpares"/> are kept (a lane holds
/// <see cref="EngineInbox.LaneCapacity"/> messages); a list that is never given back (a message refused at
/// shutdown) is only garbage.
/// </summary>
internal sealed class FailureBatches
{
    private const int MaxSpares = EngineInbox.LaneCapacity + 2;
    private readonly Stack<List<Jails.Failure>> _spares = new();

    /// <summary>An empty list: a spare if one is back, else a new one of <paramref name="capacity"/>.</summary>
    public List<Jails.Failure> Take(int capacity)
    {
        lock (_spares)
        {
            if (_spares.TryPop(out var spare))
            {
                return spare;
            }
        }
        return new List<Jails.Failure>(capacity);
    }

    /// <summary>Called by the loop when it is done with <paramref name="batch"/>: nothing may read it after.</summary>
    public void Return(List<Jails.Failure> batch)
    {
        // Cleared here, on the loop's thread: the failures' strings and captures are not kept alive by a spare.
        batch.Clear();
        lock (_spares)
        {
            if (_spares.Count < MaxSpares)
            {
                _spares.Push(batch);
            }
        }
    }
}
