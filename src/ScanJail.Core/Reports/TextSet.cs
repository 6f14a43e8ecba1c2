using System.Collections;

namespace ScanJail.Core.Reports;

/// <summary>
/// A set of short texts (ordinal), such as a source's protocols, scan kinds and jails: four fields
/// compared in turn while it holds a few (nearly always one or two), a <see cref="HashSet{T}"/> beyond,
/// so attacker-chosen values cannot make an add slow. A HashSet per field per source cost a hash of the
/// text on every failure and kept three sets of buckets alive per source.
/// </summary>
internal sealed class TextSet : IEnumerable<string>
{
    // The first four in fields (no array per set), then all of them in a hash set.
    private string? _a;
    private string? _b;
    private string? _c;
    private string? _d;
    private HashSet<string>? _many;

    public int Count { get; private set; }

    public bool Add(string text)
    {
        if (_many is not null)
        {
            if (!_many.Add(text))
            {
                return false;
            }
            Count++;
            return true;
        }
        if (Is(_a, text) || Is(_b, text) || Is(_c, text) || Is(_d, text))
        {
            return false;
        }
        switch (Count)
        {
            case 0: _a = text; break;
            case 1: _b = text; break;
            case 2: _c = text; break;
            case 3: _d = text; break;
            default: _many = new HashSet<string>([_a!, _b!, _c!, _d!, text], StringComparer.Ordinal); break;
        }
        Count++;
        return true;
    }

    public IEnumerator<string> GetEnumerator() => (_many ?? new[] { _a, _b, _c, _d }.Take(Count).Select(t => t!)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static bool Is(string? held, string text) => held is not null && string.Equals(held, text, StringComparison.Ordinal);
}
