using System.Collections;

namespace ScanJail.Core.Reports;

/// <summary>
/// A set of short texts (ordinal), such as a source's protocols, scan kinds and jails: a small array
/// searched in turn while it holds a few (nearly always one or two), a <see cref="HashSet{T}"/> beyond,
/// so attacker-chosen values cannot make an add slow. A HashSet per field per source cost a hash of the
/// text on every failure and kept three sets of buckets alive per source.
/// </summary>
internal sealed class TextSet : IEnumerable<string>
{
    private const int SmallLimit = 4;
    private readonly string[] _small = new string[SmallLimit];
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
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(_small[i], text, StringComparison.Ordinal))
            {
                return false;
            }
        }
        if (Count == SmallLimit)
        {
            _many = new HashSet<string>(_small, StringComparer.Ordinal) { text };
            Count++;
            return true;
        }
        _small[Count++] = text;
        return true;
    }

    public IEnumerator<string> GetEnumerator() => (_many ?? _small.Take(Count)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
