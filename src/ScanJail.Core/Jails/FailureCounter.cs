using System.Net;

namespace ScanJail.Core.Jails;

/// <summary>
/// Counts failures per address inside a sliding window of <c>findtime</c>, by each failure's own
/// time (so replaying an old log counts as it happened). At <c>maxretry</c> it answers "ban" and
/// forgets the address. Bounded: past <paramref name="capacity"/> addresses the least recently
/// seen is evicted. Not thread-safe: the engine loop owns it. Changed entries are tracked for the
/// next checkpoint.
/// </summary>
/// <remarks>
/// Built for a million addresses failing at once (a distributed attack): entries live in one
/// <see cref="CounterSlots"/> table of parallel arrays (address as a 24-byte <see cref="AddressKey"/>,
/// recency links, up to 16 times as ticks), so a tracked address costs about
/// 60 + 8 × min(maxretry, 16) bytes and no objects, and adding a failure allocates nothing; an
/// address with more than 16 failures in its window (a large maxretry) gets an array of its own.
/// </remarks>
public sealed class FailureCounter(TimeSpan findTime, int maxRetry, int capacity = FailureCounter.DefaultCapacity, int inlineTimes = CounterSlots.DefaultInlineTimes)
{
    public const int DefaultCapacity = 1_000_000;

    private readonly CounterSlots _slots = new(Math.Max(1, maxRetry), capacity, inlineTimes);
    // Forgotten (banned, evicted, cleared) addresses the next checkpoint deletes; one that comes
    // back before it is written again as changed instead.
    private readonly HashSet<AddressKey> _cleared = [];
    // Grown on demand: maxretry + 1 up front was 8 MB per jail with maxretry 1,000,000.
    private long[] _scratch = new long[Math.Min(Math.Max(1, maxRetry), CounterSlots.DefaultInlineTimes) + 1];
    // Addresses whose failures up to a time already led to a ban read back from the database (see Spent).
    private readonly Dictionary<AddressKey, long> _spentUntil = [];

    public TimeSpan FindTime { get; } = findTime;
    public int MaxRetry { get; } = maxRetry;
    public int Count => _slots.Count;
    public long Evicted { get; private set; }

    /// <summary>Records one failure; returns the number inside the window, and true when it reaches maxretry (the entry is then cleared).</summary>
    public (int Failures, bool Ban) Add(IPAddress address, DateTimeOffset time) => Add(AddressKey.From(address), time);

    /// <summary>The same with the address as a key: the engine loop makes the key once per failure for all its lookups.</summary>
    public (int Failures, bool Ban) Add(AddressKey key, DateTimeOffset time)
    {
        if (_spentUntil.Count > 0 && _spentUntil.TryGetValue(key, out var until))
        {
            if (time.UtcTicks <= until)
            {
                return (0, false); // already led to a ban read back from the database (see Spent)
            }
            _spentUntil.Remove(key);
        }
        var slot = Touch(key);
        var failures = Insert(slot, time.UtcTicks);
        _slots.MarkDirty(slot);
        if (failures >= MaxRetry)
        {
            Forget(key);
            return (failures, true);
        }
        return (failures, false);
    }

    /// <summary>Failures of <paramref name="address"/> still inside the window ending at <paramref name="now"/>.</summary>
    public int FailuresOf(IPAddress address, DateTimeOffset now)
    {
        var slot = _slots.Find(AddressKey.From(address));
        return slot < 0 ? 0 : InWindow(slot, (now - FindTime).UtcTicks);
    }

    /// <summary>Addresses with at least one failure inside the window ending at <paramref name="now"/> ("currently failed").</summary>
    public int CurrentlyFailing(DateTimeOffset now)
    {
        var after = (now - FindTime).UtcTicks;
        var failing = 0;
        for (var slot = _slots.Newest; slot >= 0; slot = _slots.Older(slot))
        {
            // Times are sorted: the newest decides (none left only with a findtime of zero).
            var times = _slots.Times(slot);
            if (times.Length > 0 && times[^1] > after)
            {
                failing++;
            }
        }
        return failing;
    }

    public void Forget(IPAddress address) => Forget(AddressKey.From(address));

    /// <summary>
    /// A ban made before this start (read back from the database) used up the failures of
    /// <paramref name="address"/> until <paramref name="banStart"/>: those are dropped, and a line from
    /// before that time read again (after a crash, the lines after the last checkpoint are) is not
    /// counted again, even when the ban has ended meanwhile. Without this, a crash soon after a ban and
    /// a restart after its end banned the address a second time on the same lines.
    /// </summary>
    public void Spent(IPAddress address, DateTimeOffset banStart)
    {
        var key = AddressKey.From(address);
        var edge = banStart.UtcTicks;
        var slot = _slots.Find(key);
        if (slot >= 0)
        {
            var times = _slots.Times(slot);
            var first = 0;
            while (first < times.Length && times[first] <= edge)
            {
                first++;
            }
            if (first == times.Length)
            {
                Forget(key);
            }
            else if (first > 0)
            {
                _slots.SetTimes(slot, times[first..].ToArray());
                _slots.MarkDirty(slot);
            }
        }
        if (!_spentUntil.TryGetValue(key, out var until) || until < edge)
        {
            _spentUntil[key] = edge;
        }
    }

    /// <summary>Marks addresses changed again (their checkpoint could not be written), so the next one saves them.</summary>
    public void MarkChanged(IEnumerable<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (var address in addresses)
        {
            var key = AddressKey.From(address);
            var slot = _slots.Find(key);
            if (slot >= 0)
            {
                _slots.MarkDirty(slot);
            }
            else
            {
                _cleared.Add(key);
            }
        }
    }

    /// <summary>Restores an entry from the last checkpoint.</summary>
    public void Restore(IPAddress address, IReadOnlyList<DateTimeOffset> times)
    {
        var key = AddressKey.From(address);
        foreach (var time in times.Order())
        {
            var slot = _slots.Find(key);
            if (slot < 0)
            {
                // The most recently seen, like a new failure, but not dirty: the database has it.
                slot = Touch(key);
            }
            Insert(slot, time.UtcTicks);
        }
    }

    /// <summary>Takes over another counter's entries (a reload may change findtime or maxretry; the failures stay).</summary>
    public void CopyFrom(FailureCounter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var slots = new List<int>(other.Count);
        for (var slot = other._slots.Oldest; slot >= 0; slot = other._slots.Newer(slot))
        {
            slots.Add(slot);
        }
        foreach (var slot in slots)
        {
            Restore(other._slots.Key(slot).ToAddress(), other.TimesOf(slot));
        }
    }

    /// <summary>The entries changed since the last call, and the addresses that were forgotten.</summary>
    public (List<(IPAddress Address, IReadOnlyList<DateTimeOffset> Times)> Changed, List<IPAddress> Cleared) TakeChanges()
    {
        var changed = new List<(IPAddress, IReadOnlyList<DateTimeOffset>)>();
        foreach (var slot in _slots.TakeDirty())
        {
            changed.Add((_slots.Key(slot).ToAddress(), TimesOf(slot)));
        }
        var cleared = _cleared.Select(k => k.ToAddress()).ToList();
        _cleared.Clear();
        return (changed, cleared);
    }

    private static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    // One array per entry: a replay's checkpoints take thousands of entries a second, and a copy of the ticks,
    // a select iterator, a list and its read-only wrapper per entry were a tenth of all the replay allocated.
    private DateTimeOffset[] TimesOf(int slot)
    {
        var ticks = _slots.Times(slot);
        var times = new DateTimeOffset[ticks.Length];
        for (var i = 0; i < ticks.Length; i++)
        {
            times[i] = FromTicks(ticks[i]);
        }
        return times;
    }

    /// <summary>The address's slot, made the most recently seen (a new one when it had none, evicting the oldest over capacity).</summary>
    private int Touch(AddressKey key)
    {
        var slot = _slots.Find(key);
        if (slot >= 0)
        {
            _slots.MakeNewest(slot);
            return slot;
        }
        if (_slots.Count >= _slots.Capacity)
        {
            var oldest = _slots.Oldest;
            _cleared.Add(_slots.Key(oldest));
            _slots.Remove(oldest);
            Evicted++;
        }
        var added = _slots.Add(key);
        if (_cleared.Remove(key))
        {
            // Forgotten since the last checkpoint and back: written as changed, not deleted.
            _slots.MarkDirty(added);
        }
        return added;
    }

    private void Forget(AddressKey key)
    {
        var slot = _slots.Find(key);
        if (slot >= 0)
        {
            _slots.Remove(slot);
            _cleared.Add(key);
        }
    }

    /// <summary>
    /// Inserts a time in order, drops the times the newest one pushes out of the window, keeps at most
    /// maxretry (older ones can never matter again); returns how many are left.
    /// </summary>
    private int Insert(int slot, long ticks)
    {
        var times = _slots.Times(slot);
        var count = times.Length;
        var at = count;
        while (at > 0 && times[at - 1] > ticks)
        {
            at--;
        }
        if (_scratch.Length < count + 1)
        {
            _scratch = new long[count + 1];
        }
        var merged = _scratch.AsSpan(0, count + 1);
        times[..at].CopyTo(merged);
        merged[at] = ticks;
        times[at..].CopyTo(merged[(at + 1)..]);
        var edge = merged[^1] - FindTime.Ticks;
        var first = 0;
        while (first < merged.Length && merged[first] <= edge)
        {
            first++;
        }
        var kept = merged[first..];
        if (kept.Length > _slots.Stride)
        {
            kept = kept[^_slots.Stride..];
        }
        _slots.SetTimes(slot, kept);
        return kept.Length;
    }

    private int InWindow(int slot, long after)
    {
        var n = 0;
        foreach (var t in _slots.Times(slot))
        {
            if (t > after)
            {
                n++;
            }
        }
        return n;
    }
}
