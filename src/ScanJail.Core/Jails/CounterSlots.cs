namespace ScanJail.Core.Jails;

/// <summary>
/// The failure counter's table: one slot per address in parallel arrays (its key, recency links,
/// up to <see cref="Stride"/> sorted times as ticks, a dirty flag), found through an open-addressing
/// hash of slot numbers. No object per entry, so a million entries are a handful of arrays the
/// garbage collector never walks. Arrays grow by doubling up to the capacity, never beyond.
/// A slot holds its first <see cref="InlineTimes"/> times in the table; an address with more failures
/// in its window gets an array of its own. Times for all of <see cref="Stride"/> in the table cost
/// 8 × maxretry bytes per slot: with maxretry 1,000,000 the first 1,024 slots were an 8 GB array, and
/// the engine loop stopped for seconds growing it, then failed on every new address.
/// </summary>
internal sealed class CounterSlots(int stride, int capacity, int inlineTimes = CounterSlots.DefaultInlineTimes)
{
    /// <summary>Times kept in the table per slot by default: maxretry is rarely above it.</summary>
    public const int DefaultInlineTimes = 16;

    private const int FreeSlot = -1;
    private const int FirstLength = 1024;

    private AddressKey[] _keys = [];
    private int[] _newer = [];
    private int[] _older = [];
    private int[] _counts = [];
    private long[] _times = [];
    private bool[] _dirty = [];
    // Slot number + 1, 0 for empty; a power of two at least twice the slots, so probes stay short.
    private int[] _buckets = [];
    // Slots with more than InlineTimes times: their own array, grown by doubling up to Stride.
    private readonly Dictionary<int, long[]> _spilled = [];
    private List<int> _dirtySlots = [];
    private int _used;
    private int _freeHead = -1;

    /// <summary>At most this many times per slot (maxretry).</summary>
    public int Stride { get; } = stride;
    public int InlineTimes { get; } = Math.Clamp(inlineTimes, 1, Math.Max(1, stride));
    public int Capacity { get; } = Math.Max(1, capacity);
    public int Count { get; private set; }
    public int Newest { get; private set; } = -1;
    public int Oldest { get; private set; } = -1;

    public int Older(int slot) => _older[slot];

    public int Newer(int slot) => _newer[slot];

    public AddressKey Key(int slot) => _keys[slot];

    public ReadOnlySpan<long> Times(int slot)
    {
        var count = _counts[slot];
        return count <= InlineTimes ? _times.AsSpan(slot * InlineTimes, count) : _spilled[slot].AsSpan(0, count);
    }

    /// <summary>Stores at most <see cref="Stride"/> times (the caller keeps the newest).</summary>
    public void SetTimes(int slot, ReadOnlySpan<long> times)
    {
        if (times.Length <= InlineTimes)
        {
            times.CopyTo(_times.AsSpan(slot * InlineTimes, InlineTimes));
            _spilled.Remove(slot);
        }
        else
        {
            if (!_spilled.TryGetValue(slot, out var own) || own.Length < times.Length)
            {
                var length = (int)Math.Min(Stride, Math.Max((long)times.Length, 2L * (own?.Length ?? InlineTimes)));
                own = new long[length];
                _spilled[slot] = own;
            }
            times.CopyTo(own);
        }
        _counts[slot] = times.Length;
    }

    public int Find(AddressKey key)
    {
        if (Count == 0)
        {
            return -1;
        }
        var mask = _buckets.Length - 1;
        for (var i = key.GetHashCode() & mask; _buckets[i] != 0; i = (i + 1) & mask)
        {
            var slot = _buckets[i] - 1;
            if (_keys[slot] == key)
            {
                return slot;
            }
        }
        return -1;
    }

    /// <summary>A new slot for <paramref name="key"/> (not present; the caller keeps Count under Capacity), the newest, with no times.</summary>
    public int Add(AddressKey key)
    {
        int slot;
        if (_freeHead >= 0)
        {
            slot = _freeHead;
            _freeHead = _older[slot];
        }
        else
        {
            if (_used == _keys.Length)
            {
                Grow();
            }
            slot = _used++;
        }
        _keys[slot] = key;
        _counts[slot] = 0;
        Count++;
        Link(slot);
        var mask = _buckets.Length - 1;
        var i = key.GetHashCode() & mask;
        while (_buckets[i] != 0)
        {
            i = (i + 1) & mask;
        }
        _buckets[i] = slot + 1;
        return slot;
    }

    public void Remove(int slot)
    {
        Unlink(slot);
        RemoveFromBuckets(slot);
        _counts[slot] = FreeSlot;
        _spilled.Remove(slot);
        _dirty[slot] = false; // the owner records a forgotten address itself
        _older[slot] = _freeHead;
        _freeHead = slot;
        Count--;
    }

    public void MakeNewest(int slot)
    {
        if (slot != Newest)
        {
            Unlink(slot);
            Link(slot);
        }
    }

    public void MarkDirty(int slot)
    {
        // Listed once per change of the flag; a slot freed and taken again may be listed twice, and TakeDirty yields it once.
        if (!_dirty[slot])
        {
            _dirty[slot] = true;
            _dirtySlots.Add(slot);
        }
    }

    /// <summary>The slots marked since the last call (a freed slot loses its mark).</summary>
    public List<int> TakeDirty()
    {
        var taken = _dirtySlots;
        _dirtySlots = [];
        taken.RemoveAll(slot =>
        {
            var keep = _dirty[slot];
            _dirty[slot] = false;
            return !keep;
        });
        return taken;
    }

    private void Link(int slot)
    {
        _older[slot] = Newest;
        _newer[slot] = -1;
        if (Newest >= 0)
        {
            _newer[Newest] = slot;
        }
        Newest = slot;
        if (Oldest < 0)
        {
            Oldest = slot;
        }
    }

    private void Unlink(int slot)
    {
        var older = _older[slot];
        var newer = _newer[slot];
        if (older >= 0)
        {
            _newer[older] = newer;
        }
        else
        {
            Oldest = newer;
        }
        if (newer >= 0)
        {
            _older[newer] = older;
        }
        else
        {
            Newest = older;
        }
    }

    // Linear probing with backward-shift deletion: no tombstones, so lookups never slow down with churn.
    private void RemoveFromBuckets(int slot)
    {
        var mask = _buckets.Length - 1;
        var i = _keys[slot].GetHashCode() & mask;
        while (_buckets[i] != slot + 1)
        {
            i = (i + 1) & mask;
        }
        _buckets[i] = 0;
        for (var j = (i + 1) & mask; _buckets[j] != 0; j = (j + 1) & mask)
        {
            var home = _keys[_buckets[j] - 1].GetHashCode() & mask;
            // Move the entry at j back to the hole at i unless its home lies cyclically in (i, j].
            var stays = i <= j ? home > i && home <= j : home > i || home <= j;
            if (!stays)
            {
                _buckets[i] = _buckets[j];
                _buckets[j] = 0;
                i = j;
            }
        }
    }

    private void Grow()
    {
        var length = (int)Math.Min(Capacity, Math.Max(FirstLength, (long)_keys.Length * 2));
        Array.Resize(ref _keys, length);
        Array.Resize(ref _newer, length);
        Array.Resize(ref _older, length);
        Array.Resize(ref _counts, length);
        Array.Resize(ref _dirty, length);
        Array.Resize(ref _times, checked(length * InlineTimes));
        var buckets = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)length * 2);
        if (buckets != _buckets.Length)
        {
            _buckets = new int[buckets];
            var mask = buckets - 1;
            for (var slot = 0; slot < _used; slot++)
            {
                if (_counts[slot] == FreeSlot)
                {
                    continue;
                }
                var i = _keys[slot].GetHashCode() & mask;
                while (_buckets[i] != 0)
                {
                    i = (i + 1) & mask;
                }
                _buckets[i] = slot + 1;
            }
        }
    }
}
