using System.Globalization;
using System.Net;
using ScanJail.Core.Bans;
using ScanJail.Core.Control;
using ScanJail.Core.Jails;

namespace ScanJail.Core.Reports;

/// <summary>
/// What the engine remembers of port scans for <c>scanjail-client report</c>: per source, the
/// attackalert failures (those with a <c>port</c> or <c>kind</c> field) and the bans that followed.
/// Bounded: <see cref="MaxSources"/> sources (the least recently seen forgotten first) and
/// <see cref="MaxPortsPerSource"/> distinct ports each (further ones are counted, not listed).
/// In memory only: a restart starts a new report. Owned by the engine loop.
/// </summary>
public sealed class ScanLedger
{
    public const int MaxSources = 10_000;
    public const int MaxPortsPerSource = 131_072;

    // The sources in slots of one array of structs, found by their address as a value: no object per source but
    // its ports. A replay's ledger of 10,000 sources was seven objects each (the entry, its address, three text
    // sets, the port set and its array), and carrying them from one GC generation to the next was about half of
    // the collector's pauses in a replay (docs/performance.md, round 11). The source that evicts another takes its
    // slot, so the slots keep the order a dictionary's entries had.
    private readonly Dictionary<AddressKey, int> _slots = [];
    private Source[] _sources = new Source[16];
    private PortSet?[] _ports = new PortSet?[16];

    // Protocols, kinds and jails: a bit each for the first 64 distinct texts, shared by every source; a text
    // past them goes to a set of the source's own, kept here by slot and kind (never in an ordinary log).
    private readonly TextBits _protocols = new();
    private readonly TextBits _kinds = new();
    private readonly TextBits _jails = new();
    private readonly Dictionary<(int Slot, TextKind Kind), TextSet> _moreTexts = [];

    // The sources by last seen, oldest first, for eviction in O(log n): a scan of every source per new
    // one (at the bound, every new source) was most of the engine's time on a log with more sources.
    // Each source is queued once, under the last-seen time it had then: a time only moves forward, so
    // a source taken from the head whose time has moved since is queued again under its time now, and
    // the first taken whose time has not moved is the least recently seen. (Queueing it again at every
    // move was a heap operation per failure.) Ties go to the source that reached its time first.
    private readonly PriorityQueue<int, SeenAt> _byLastSeen = new();
    private readonly int _capacity;
    private long _order;

    public ScanLedger()
        : this(MaxSources)
    {
    }

    /// <summary>A ledger of at most <paramref name="capacity"/> sources (tests; the engine's holds <see cref="MaxSources"/>).</summary>
    internal ScanLedger(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count => _slots.Count;

    /// <summary>The captures the ledger reads: a jail whose filter may capture one keeps its captures (<see cref="Engine.JailBuilder"/>).</summary>
    public static bool ReadsField(string name) => name is "kind" or "ports" or "port" or "proto";

    // A failure without captures (an sshd line's) is answered by one question instead of three.
    public static bool IsScan(in Failure failure) =>
        failure.Fields.Count > 0 && (failure.Fields.ContainsKey("kind") || failure.Fields.ContainsKey("ports") || failure.Fields.ContainsKey("port"));

    /// <param name="address">The failure's address as a key when the caller has made it (the engine loop); else made here, for a scan only.</param>
    public void Record(in Failure failure, AddressKey? address = null)
    {
        if (IsScan(in failure))
        {
            Add(in failure, address ?? AddressKey.From(failure.Address));
        }
    }

    private void Add(in Failure failure, AddressKey address)
    {
        var slot = SlotFor(address, failure.Time);
        ref var source = ref _sources[slot];
        if (failure.Time > source.LastSeen)
        {
            source.LastSeen = failure.Time;
            source.SeenOrder = _order++;
        }
        source.Probes++;
        AddText(slot, ref source.Jails, TextKind.Jail, failure.Jail);
        if (failure.Fields.TryGetValue("proto", out var proto) && proto.Length <= 8)
        {
            AddText(slot, ref source.Protocols, TextKind.Protocol, proto);
        }
        if (failure.Fields.TryGetValue("kind", out var kind) && kind.Length <= 16)
        {
            AddText(slot, ref source.Kinds, TextKind.Kind, kind);
        }
        if (failure.Fields.TryGetValue("port", out var port) && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            && p is > 0 and < 65536)
        {
            var ports = _ports[slot] ??= new PortSet();
            if (ports.Count < MaxPortsPerSource)
            {
                ports.Add(p);
            }
        }
    }

    /// <summary>
    /// A ban that <paramref name="address"/>'s probes set off. Under a banprefix that is the network's ban, counted for
    /// the source whose failure made it; the other sources it covers show it as the ban in force (<see cref="Report"/>).
    /// </summary>
    public void RecordBan(AddressKey address, DateTimeOffset start, DateTimeOffset? end)
    {
        if (!_slots.TryGetValue(address, out var slot))
        {
            return;
        }
        ref var source = ref _sources[slot];
        source.Bans++;
        if (end is { } e)
        {
            source.BannedFor += e - start;
        }
    }

    /// <param name="banInForce">The ban in force that covers an address (its own or its network's), or null.</param>
    public ScanReport Report(DateTimeOffset since, DateTimeOffset now, Func<IPAddress, Ban?> banInForce, int top)
    {
        var seen = Enumerable.Range(0, _slots.Count).Where(slot => _sources[slot].LastSeen >= since).ToList();
        var sources = seen
            .OrderByDescending(slot => _sources[slot].Probes).ThenBy(slot => _sources[slot].FirstSeen)
            .Take(top)
            .Select(slot =>
            {
                var e = _sources[slot];
                var address = e.Key.ToAddress();
                var ban = banInForce(address);
                var ports = _ports[slot];
                return new ScanSource(address.ToString(), e.FirstSeen, e.LastSeen, e.Probes, ports?.Count ?? 0, ports is null ? "" : Ranges(ports),
                    Texts(slot, e.Protocols, TextKind.Protocol), Texts(slot, e.Kinds, TextKind.Kind), Texts(slot, e.Jails, TextKind.Jail),
                    e.Bans, e.BannedFor, ban?.End, ban is not null, ban?.Prefix is null ? null : ban.Target);
            })
            .ToList();
        return new ScanReport(since, now, seen.Count, sources);
    }

    private int SlotFor(AddressKey key, DateTimeOffset time)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            return slot;
        }
        slot = _slots.Count >= _capacity ? Evict() : NewSlot();
        _sources[slot] = new Source { Key = key, FirstSeen = time, LastSeen = time, SeenOrder = _order++ };
        _slots[key] = slot;
        _byLastSeen.Enqueue(slot, SeenAt.Of(in _sources[slot]));
        return slot;
    }

    // Below the bound every slot up to the sources' count is taken (a slot is emptied only for the source that
    // evicts its owner), so the next one is that count.
    private int NewSlot()
    {
        var slot = _slots.Count;
        if (slot == _sources.Length)
        {
            Array.Resize(ref _sources, slot * 2);
            Array.Resize(ref _ports, slot * 2);
        }
        return slot;
    }

    // The least recently seen source's slot, emptied for the next source.
    private int Evict()
    {
        while (_byLastSeen.TryDequeue(out var slot, out var queued))
        {
            ref var oldest = ref _sources[slot];
            if (queued == SeenAt.Of(in oldest))
            {
                _slots.Remove(oldest.Key);
                _ports[slot] = null;
                _moreTexts.Remove((slot, TextKind.Protocol));
                _moreTexts.Remove((slot, TextKind.Kind));
                _moreTexts.Remove((slot, TextKind.Jail));
                return slot;
            }
            _byLastSeen.Enqueue(slot, SeenAt.Of(in oldest));
        }
        throw new InvalidOperationException("the scan ledger is full and has no source queued");
    }

    private void AddText(int slot, ref ulong bits, TextKind kind, string text)
    {
        if (Table(kind).TryBit(text, out var bit))
        {
            bits |= 1UL << bit;
            return;
        }
        if (!_moreTexts.TryGetValue((slot, kind), out var more))
        {
            _moreTexts[(slot, kind)] = more = new TextSet();
        }
        more.Add(text);
    }

    private TextBits Table(TextKind kind) => kind switch
    {
        TextKind.Protocol => _protocols,
        TextKind.Kind => _kinds,
        _ => _jails,
    };

    private string[] Texts(int slot, ulong bits, TextKind kind)
    {
        var texts = Table(kind).Texts(bits);
        if (_moreTexts.TryGetValue((slot, kind), out var more))
        {
            texts = texts.Concat(more);
        }
        return [.. texts.Order(StringComparer.Ordinal)];
    }

    private static string Ranges(PortSet ports)
    {
        var parts = new List<string>();
        int? start = null;
        var end = 0;
        foreach (var p in ports)
        {
            if (start is not null && p == end + 1)
            {
                end = p;
                continue;
            }
            if (start is not null)
            {
                parts.Add(Range(start.Value, end));
            }
            (start, end) = (p, p);
        }
        if (start is not null)
        {
            parts.Add(Range(start.Value, end));
        }
        return string.Join(',', parts);
    }

    private static string Range(int start, int end) =>
        start == end ? start.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{start}-{end}");

    /// <summary>
    /// A source's place in the eviction order: its last-seen time (UTC ticks) and the order it reached it in.
    /// A struct of its own, not a tuple of a <see cref="DateTimeOffset"/> and a long: the queue's default
    /// comparison of it is compiled in.
    /// </summary>
    private readonly record struct SeenAt(long Ticks, long Order) : IComparable<SeenAt>
    {
        public static SeenAt Of(in Source source) => new(source.LastSeen.UtcTicks, source.SeenOrder);

        public int CompareTo(SeenAt other) => Ticks != other.Ticks ? Ticks.CompareTo(other.Ticks) : Order.CompareTo(other.Order);
    }

    private enum TextKind
    {
        Protocol,
        Kind,
        Jail,
    }

    /// <summary>One source, values only: its ports are in <see cref="_ports"/>, its texts bits of the ledger's tables.</summary>
    private struct Source
    {
        public AddressKey Key;
        public DateTimeOffset FirstSeen;
        public DateTimeOffset LastSeen;
        /// <summary>When <see cref="LastSeen"/> was last set, in the ledger's order of events (ties between equal times).</summary>
        public long SeenOrder;
        public long Probes;
        public ulong Protocols;
        public ulong Kinds;
        public ulong Jails;
        public int Bans;
        public TimeSpan BannedFor;
    }
}
