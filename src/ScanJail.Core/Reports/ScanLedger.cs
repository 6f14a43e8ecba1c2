using System.Globalization;
using System.Net;
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

    // Keyed by the address as a value (the engine has the key already; an IPAddress object costs a virtual
    // hash and comparison per attackalert failure).
    private readonly Dictionary<AddressKey, Entry> _entries = [];

    // The sources by last seen, oldest first, for eviction in O(log n): a scan of every source per new
    // one (at the bound, every new source) was most of the engine's time on a log with more sources.
    // Each source is queued once, under the last-seen time it had then: a time only moves forward, so
    // a source taken from the head whose time has moved since is queued again under its time now, and
    // the first taken whose time has not moved is the least recently seen. (Queueing it again at every
    // move was a heap operation per failure.) Ties go to the source that reached its time first.
    private readonly PriorityQueue<Entry, SeenAt> _byLastSeen = new();
    private readonly int _capacity;
    private long _order;

    public ScanLedger()
        : this(MaxSources)
    {
    }

    /// <summary>A ledger of at most <paramref name="capacity"/> sources (tests; the engine's holds <see cref="MaxSources"/>).</summary>
    internal ScanLedger(int capacity) => _capacity = capacity;

    public int Count => _entries.Count;

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
        var entry = EntryFor(address, failure.Address, failure.Time);
        if (failure.Time > entry.LastSeen)
        {
            entry.LastSeen = failure.Time;
            entry.SeenOrder = _order++;
        }
        entry.Probes++;
        entry.Jails.Add(failure.Jail);
        if (failure.Fields.TryGetValue("proto", out var proto) && proto.Length <= 8)
        {
            entry.Protocols.Add(proto);
        }
        if (failure.Fields.TryGetValue("kind", out var kind) && kind.Length <= 16)
        {
            entry.Kinds.Add(kind);
        }
        if (failure.Fields.TryGetValue("port", out var port) && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            && p is > 0 and < 65536 && entry.Ports.Count < MaxPortsPerSource)
        {
            entry.Ports.Add(p);
        }
    }

    public void RecordBan(IPAddress address, DateTimeOffset start, DateTimeOffset? end)
    {
        if (!_entries.TryGetValue(AddressKey.From(address), out var entry))
        {
            return;
        }
        entry.Bans++;
        entry.BanStart = start;
        entry.BanEnd = end;
        if (end is { } e)
        {
            entry.BannedFor += e - start;
        }
    }

    /// <param name="bannedUntil">The end of the ban in force for an address (null: permanent), or absent when none.</param>
    public ScanReport Report(DateTimeOffset since, DateTimeOffset now, Func<IPAddress, (bool Banned, DateTimeOffset? Until)> bannedUntil, int top)
    {
        var seen = _entries.Values.Where(e => e.LastSeen >= since).ToList();
        var sources = seen
            .OrderByDescending(e => e.Probes).ThenBy(e => e.FirstSeen)
            .Take(top)
            .Select(e =>
            {
                var (banned, until) = bannedUntil(e.Address);
                return new ScanSource(e.Address.ToString(), e.FirstSeen, e.LastSeen, e.Probes, e.Ports.Count, Ranges(e.Ports),
                    [.. e.Protocols.Order(StringComparer.Ordinal)], [.. e.Kinds.Order(StringComparer.Ordinal)], [.. e.Jails.Order(StringComparer.Ordinal)],
                    e.Bans, e.BannedFor, banned ? until : null, banned);
            })
            .ToList();
        return new ScanReport(since, now, seen.Count, sources);
    }

    private Entry EntryFor(AddressKey key, IPAddress address, DateTimeOffset time)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            return entry;
        }
        if (_entries.Count >= _capacity)
        {
            while (_byLastSeen.TryDequeue(out var oldest, out var queued))
            {
                if (queued == SeenAt.Of(oldest))
                {
                    _entries.Remove(oldest.Key);
                    break;
                }
                _byLastSeen.Enqueue(oldest, SeenAt.Of(oldest));
            }
        }
        entry = new Entry(key, address, time) { SeenOrder = _order++ };
        _entries[key] = entry;
        _byLastSeen.Enqueue(entry, SeenAt.Of(entry));
        return entry;
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
    /// An entry's place in the eviction order: its last-seen time (UTC ticks) and the order it reached it in.
    /// A struct of its own, not a tuple of a <see cref="DateTimeOffset"/> and a long: the queue's default
    /// comparison of it is compiled in.
    /// </summary>
    private readonly record struct SeenAt(long Ticks, long Order) : IComparable<SeenAt>
    {
        public static SeenAt Of(Entry entry) => new(entry.LastSeen.UtcTicks, entry.SeenOrder);

        public int CompareTo(SeenAt other) => Ticks != other.Ticks ? Ticks.CompareTo(other.Ticks) : Order.CompareTo(other.Order);
    }

    private sealed class Entry(AddressKey key, IPAddress address, DateTimeOffset firstSeen)
    {
        public AddressKey Key { get; } = key;
        public IPAddress Address { get; } = address;
        public DateTimeOffset FirstSeen { get; } = firstSeen;
        public DateTimeOffset LastSeen { get; set; } = firstSeen;
        /// <summary>When <see cref="LastSeen"/> was last set, in the ledger's order of events (ties between equal times).</summary>
        public long SeenOrder { get; set; }
        public long Probes { get; set; }
        public PortSet Ports { get; } = new();
        public TextSet Protocols { get; } = new();
        public TextSet Kinds { get; } = new();
        public TextSet Jails { get; } = new();
        public int Bans { get; set; }
        public TimeSpan BannedFor { get; set; }
        public DateTimeOffset? BanStart { get; set; }
        public DateTimeOffset? BanEnd { get; set; }
    }
}
