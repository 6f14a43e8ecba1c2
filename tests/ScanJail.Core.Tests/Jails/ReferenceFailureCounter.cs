using System.Net;

namespace ScanJail.Core.Tests.Jails;

/// <summary>
/// The failure counter as it was before its compact table (objects per address, a linked list for
/// recency), kept as the model the compact one must agree with, operation by operation.
/// </summary>
internal sealed class ReferenceFailureCounter(TimeSpan findTime, int maxRetry, int capacity)
{
    private readonly Dictionary<IPAddress, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _byRecency = new();
    private readonly HashSet<IPAddress> _dirty = [];

    public TimeSpan FindTime { get; } = findTime;
    public int MaxRetry { get; } = maxRetry;
    public int Count => _entries.Count;
    public long Evicted { get; private set; }

    /// <summary>Records one failure; returns the number inside the window, and true when it reaches maxretry (the entry is then cleared).</summary>
    public (int Failures, bool Ban) Add(IPAddress address, DateTimeOffset time)
    {
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
    public void CopyFrom(ReferenceFailureCounter other)
    {
        foreach (var entry in other._byRecency.Reverse())
        {
            Restore(entry.Address, entry.Times);
        }
    }

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
