using System.Net;

namespace ScanJail.Core.Jails;

/// <summary>
/// The last few matched lines per address, so a notification can quote what led to a ban. Bounded
/// every way (lines per address, characters per line, addresses), because log text is attacker input:
/// the least recently seen address is forgotten first. Owned by the engine loop (not thread-safe).
/// </summary>
public sealed class RecentLines(int perAddress = RecentLines.DefaultPerAddress, int capacity = RecentLines.DefaultCapacity)
{
    public const int DefaultPerAddress = 10;
    public const int DefaultCapacity = 10_000;
    public const int MaxLineLength = 1000;

    private readonly Dictionary<IPAddress, LinkedListNode<(IPAddress Address, Queue<string> Lines)>> _entries = [];
    private readonly LinkedList<(IPAddress Address, Queue<string> Lines)> _byRecency = new();

    public int Count => _entries.Count;

    public void Add(IPAddress address, string line)
    {
        if (_entries.TryGetValue(address, out var node))
        {
            _byRecency.Remove(node);
            _byRecency.AddFirst(node);
        }
        else
        {
            if (_entries.Count >= capacity && _byRecency.Last is { } oldest)
            {
                _entries.Remove(oldest.Value.Address);
                _byRecency.RemoveLast();
            }
            node = _byRecency.AddFirst((address, new Queue<string>()));
            _entries[address] = node;
        }
        var lines = node.Value.Lines;
        if (lines.Count >= perAddress)
        {
            lines.Dequeue();
        }
        lines.Enqueue(line.Length > MaxLineLength ? line[..MaxLineLength] + "…" : line);
    }

    /// <summary>The address's lines, oldest first, and forgets them (the ban has them now).</summary>
    public IReadOnlyList<string> Take(IPAddress address)
    {
        if (!_entries.Remove(address, out var node))
        {
            return [];
        }
        _byRecency.Remove(node);
        return [.. node.Value.Lines];
    }
}
