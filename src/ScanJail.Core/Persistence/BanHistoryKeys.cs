namespace ScanJail.Core.Persistence;

/// <summary>
/// Which (jail, address) pairs may have rows in the ban history, so that the question every ban asks
/// ("how many earlier bans has this address had here?", for the bantime increment) needs no SQL for an
/// address never banned before, which is every scanner's first ban. On the way from a scan's first
/// probe to its drop the query cost 0.07 to 0.17 ms of the engine's 0.3 to 0.5 ms (docs/latency.md, round 8).
/// <para>
/// A superset, never a subset: a pair is added before its history row is written (also when the write
/// is then rolled back or refused) and loaded from every row at start, and nothing takes pairs away (a
/// purge leaves them: a purged pair only costs the query). So "absent" means no row, and "present" means
/// ask SQLite. A pair is kept as a 64-bit hash of the jail's name and the address's text (the history's own columns); two pairs
/// with the same hash only cost the query. About 24 bytes a pair, whatever the address.
/// </para>
/// Not thread-safe: used under the store's lock.
/// </summary>
internal sealed class BanHistoryKeys
{
    private readonly HashSet<long> _keys = [];

    public void Add(string jail, ReadOnlySpan<char> address) => _keys.Add(Key(jail, address));

    /// <summary>False only when no history row of this pair can exist.</summary>
    public bool MayHave(string jail, ReadOnlySpan<char> address) => _keys.Contains(Key(jail, address));

    // The process's string hashes: the set is made again at every start, so they need not be stable.
    private static long Key(string jail, ReadOnlySpan<char> address) =>
        ((long)string.GetHashCode(jail.AsSpan()) << 32) | (uint)string.GetHashCode(address);
}
