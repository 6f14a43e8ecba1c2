namespace ScanJail.Listener.Host;

/// <summary>
/// The host's own outgoing UDP flows, each remembered for <see cref="Grace"/> after its last
/// outgoing datagram, so that a reply is recognised even after the asking socket closed (a DNS or
/// NTP answer arriving late). Bounded: at most <see cref="Capacity"/> flows, the least recently
/// used forgotten first (a forgotten flow's late reply may then be reported, never the other way
/// round). Not thread-safe: <see cref="OutgoingUdpTap"/> serialises access.
/// </summary>
public sealed class UdpFlowTable
{
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(60);
    public const int DefaultCapacity = 131_072;

    private readonly TimeProvider _time;
    private readonly Dictionary<UdpFlow, LinkedListNode<(UdpFlow Flow, long At)>> _flows = [];
    // Least recently used first, so expiry and eviction both take from the front.
    private readonly LinkedList<(UdpFlow Flow, long At)> _order = new();

    public UdpFlowTable(TimeProvider time, TimeSpan? grace = null, int capacity = DefaultCapacity)
    {
        _time = time;
        Grace = grace ?? DefaultGrace;
        Capacity = capacity;
    }

    public TimeSpan Grace { get; }

    public int Capacity { get; }

    public int Count => _flows.Count;

    /// <summary>Flows forgotten to stay within <see cref="Capacity"/> before their grace ended.</summary>
    public long Evicted { get; private set; }

    public void Record(UdpFlow flow)
    {
        var now = _time.GetTimestamp();
        if (_flows.TryGetValue(flow, out var node))
        {
            _order.Remove(node);
            node.Value = (flow, now);
            _order.AddLast(node);
            return;
        }
        Expire(now);
        if (_flows.Count >= Capacity && _order.First is { } oldest)
        {
            _flows.Remove(oldest.Value.Flow);
            _order.RemoveFirst();
            Evicted++;
        }
        _flows[flow] = _order.AddLast((flow, now));
    }

    /// <summary>True when the host wrote to this peer from this port within the grace time.</summary>
    public bool Contains(UdpFlow flow)
    {
        Expire(_time.GetTimestamp());
        return _flows.ContainsKey(flow);
    }

    private void Expire(long now)
    {
        while (_order.First is { } oldest && _time.GetElapsedTime(oldest.Value.At, now) > Grace)
        {
            _flows.Remove(oldest.Value.Flow);
            _order.RemoveFirst();
        }
    }
}
