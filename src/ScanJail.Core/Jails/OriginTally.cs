using System.Net;

namespace ScanJail.Core.Jails;

/// <summary>
/// Where a jail's failures came from (the sending host of forwarded syslog or journal lines), for
/// <c>status JAIL</c>: failures per origin, and the origin that last reported each address, so a
/// ban can be traced to the host that saw the attack. Bounded: past the limits the oldest entries
/// are dropped. Owned by the engine loop.
/// </summary>
public sealed class OriginTally
{
    public const int MaxOrigins = 1000;
    public const int MaxAddresses = 10_000;

    private readonly Dictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, string> _lastOrigin = [];
    private readonly Queue<IPAddress> _addressOrder = new();

    public void Add(string origin, IPAddress address)
    {
        if (_failures.TryGetValue(origin, out var count) || _failures.Count < MaxOrigins)
        {
            _failures[origin] = count + 1;
        }
        if (!_lastOrigin.ContainsKey(address))
        {
            _addressOrder.Enqueue(address);
            while (_addressOrder.Count > MaxAddresses)
            {
                _lastOrigin.Remove(_addressOrder.Dequeue());
            }
        }
        _lastOrigin[address] = origin;
    }

    public string? OriginOf(IPAddress address) => _lastOrigin.GetValueOrDefault(address);

    /// <summary>Each origin with its failure count and which of <paramref name="banned"/> it reported last, by origin name.</summary>
    public IReadOnlyList<(string Origin, long Failures, IReadOnlyList<IPAddress> Banned)> Snapshot(IEnumerable<IPAddress> banned)
    {
        if (_lastOrigin.Count == 0)
        {
            // No address has an origin (the usual case: no forwarded source): nothing to look up for each ban.
            return [.. _failures.Keys.Order(StringComparer.Ordinal).Select(o => (o, _failures[o], (IReadOnlyList<IPAddress>)[]))];
        }
        var bannedBy = banned
            .Select(a => (Address: a, Origin: OriginOf(a)))
            .Where(p => p.Origin is not null)
            .GroupBy(p => p.Origin!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<IPAddress>)[.. g.Select(p => p.Address)], StringComparer.Ordinal);
        return [.. _failures.Keys.Union(bannedBy.Keys).Order(StringComparer.Ordinal)
            .Select(o => (o, _failures.GetValueOrDefault(o), bannedBy.GetValueOrDefault(o) ?? []))];
    }
}
