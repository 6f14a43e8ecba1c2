using System.Net;

namespace ScanJail.Core.Jails;

/// <summary>
/// Counts failures per address inside a sliding window of <c>findtime</c>, by each failure's own
/// time (so replaying an old log counts as it happened). At <c>maxretry</c> it answers "ban" and
/// forgets the address. Bounded: past <paramref name="capacity"/> addresses the least recently
/// seen is evicted. Not thread-safe: the engine loop owns it. Changed entries are tracked for the
/// next checkpoint.
/// </summary>
public sealed class FailureCounter(TimeSpan findTime, int maxRetry, int capacity = FailureCounter.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;

    private readonly Dictionary<IPAddress, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _byRecency = new();
    private readonly HashSet<IPAddress> _dirty = [];
    private readonly Dictionary<IPAddress, DateTimeOffset> _spentUntil = [];

    public TimeSpan FindTime { get; } = findTime;
    public int MaxRetry { get; } = maxRetry;
    public int Count => _entries.Count;
    public long Evicted { get; private set; }

    /// <summary>Records one failure; returns the number inside the window, and true when it reaches maxretry (the entry is then cleared).</summary>
    public (int Failures, bool Ban) Add(IPAddress address, DateTimeOffset time)
    {
        if (_spentUntil.Count > 0 && _spentUntil.TryGetValue(address, out var until))
        {
            if (time <= until)
            {
                return (0, false); // already led to a ban read back from the database (see Spent)
            }
            _spentUntil.Remove(address);
        }
        if (!_entries.TryGetValue(address, out var node))
        {
            node = _byRecency.AddFirst(new Entry(address));
            _entries[address] = node;
            EvictOverCapacity();
        }
        else
        {
            _byRecency.Remove(node);
            _byRecency.AddFirst(node);
        }
        var entry = node.Value;
        entry.Add(time, FindTime, MaxRetry);
        _dirty.Add(address);
        var failures = entry.Times.Count;
        if (failures >= MaxRetry)
        {
            Forget(address);
            return (failures, true);
        }
        return (failures, false);
    }

    /// <summary>Failures of <paramref name="address"/> still inside the window ending at <paramref name="now"/>.</summary>
    public int FailuresOf(IPAddress address, DateTimeOffset now) =>
        _entries.TryGetValue(address, out var node) ? node.Value.Times.Count(t => t > now - FindTime) : 0;

    /// <summary>Addresses with at least one failure inside the window ending at <paramref name="now"/> ("currently failed").</summary>
    public int CurrentlyFailing(DateTimeOffset now) => _entries.Values.Count(n => n.Value.Times.Any(t => t > now - FindTime));

    public void Forget(IPAddress address)
    {
        if (_entries.Remove(address, out var node))
        {
            _byRecency.Remove(node);
            _dirty.Add(address);
        }
    }

    /// <summary>
    /// A ban made before this start (read back from the database) used up the failures of
    /// <paramref name="address"/> until <paramref name="banStart"/>: those are dropped, and a line from
    /// before that time read again (after a crash, the lines after the last checkpoint are) is not
    /// counted again, even when the ban has ended meanwhile. Without this, a crash soon after a ban and
    /// a restart after its end banned the address a second time on the same lines.
    /// </summary>
    public void Spent(IPAddress address, DateTimeOffset banStart)
    {
        if (_entries.TryGetValue(address, out var node))
        {
            node.Value.Times.RemoveAll(t => t <= banStart);
            _dirty.Add(address);
            if (node.Value.Times.Count == 0)
            {
                Forget(address);
            }
        }
        if (!_spentUntil.TryGetValue(address, out var until) || until < banStart)
        {
            _spentUntil[address] = banStart;
        }
    }

    /// <summary>Restores an entry from the last checkpoint.</summary>
    public void Restore(IPAddress address, IReadOnlyList<DateTimeOffset> times)
    {
        foreach (var time in times.Order())
        {
            if (_entries.TryGetValue(address, out var node))
            {
                node.Value.Add(time, FindTime, MaxRetry);
            }
            else
            {
                var entry = new Entry(address);
                entry.Add(time, FindTime, MaxRetry);
                _entries[address] = _byRecency.AddFirst(entry);
            }
        }
        EvictOverCapacity();
    }

    /// <summary>Takes over another counter's entries (a reload may change findtime or maxretry; the failures stay).</summary>
    public void CopyFrom(FailureCounter other)
    {
        foreach (var entry in other._byRecency.Reverse())
        {
            Restore(entry.Address, entry.Times);
        }
    }

    /// <summary>Marks addresses changed again (their checkpoint could not be written), so the next one saves them.</summary>
    public void MarkChanged(IEnumerable<IPAddress> addresses) => _dirty.UnionWith(addresses);

    /// <summary>The entries changed since the last call, and the addresses that were forgotten.</summary>
    public (List<(IPAddress Address, IReadOnlyList<DateTimeOffset> Times)> Changed, List<IPAddress> Cleared) TakeChanges()
    {
        var changed = new List<(IPAddress, IReadOnlyList<DateTimeOffset>)>();
        var cleared = new List<IPAddress>();
        foreach (var address in _dirty)
        {
            if (_entries.TryGetValue(address, out var node))
            {
                changed.Add((address, [.. node.Value.Times]));
            }
            else
            {
                cleared.Add(address);
            }
        }
        _dirty.Clear();
        return (changed, cleared);
    }

    private void EvictOverCapacity()
    {
        while (_entries.Count > capacity && _byRecency.Last is { } oldest)
        {
            _byRecency.RemoveLast();
            _entries.Remove(oldest.Value.Address);
            _dirty.Add(oldest.Value.Address);
            Evicted++;
        }
    }

    private sealed class Entry(IPAddress address)
    {
        public IPAddress Address { get; } = address;

        // Sorted, at most maxretry times: older ones can never matter again.
        public List<DateTimeOffset> Times { get; } = [];

        public void Add(DateTimeOffset time, TimeSpan findTime, int maxRetry)
        {
            var at = Times.Count;
            while (at > 0 && Times[at - 1] > time)
            {
                at--;
            }
            Times.Insert(at, time);
            var newest = Times[^1];
            Times.RemoveAll(t => t <= newest - findTime);
            if (Times.Count > maxRetry)
            {
                Times.RemoveRange(0, Times.Count - maxRetry);
            }
        }
    }
}
