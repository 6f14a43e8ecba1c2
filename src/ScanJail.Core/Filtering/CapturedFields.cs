using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ScanJail.Core.Filtering;

/// <summary>
/// A match's named captures: the names shared by every match of the pattern, the values in an array of
/// the same length (null where a group did not take part). A filter has a handful of fields, so a
/// lookup is a short scan; one array per failure instead of a dictionary with its buckets and entries.
/// </summary>
internal sealed class CapturedFields : IReadOnlyDictionary<string, string>
{
    private readonly string[] names;
    private readonly string?[] values;

    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CapturedFields(string[] names, string?[] values)
    {
        this.names = names;
        this.values = values;
        for (var i = 0; i < names.Length; i++)
        {
            Count += values[i] is not null && IndexOf(names[i]) == i ? 1 : 0;
        }
    }

    public int Count { get; }

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<string> Values => this.Select(p => p.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        // The last group of a name wins, as when a prefix field and a pattern field share it.
        for (var i = names.Length - 1; i >= 0; i--)
        {
            if (values[i] is { } found && string.Equals(names[i], key, StringComparison.Ordinal))
            {
                value = found;
                return true;
            }
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (values[i] is { } value && IndexOf(names[i]) == i)
            {
                yield return new(names[i], value);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // The position that answers for a name: its last group that took part.
    private int IndexOf(string name)
    {
        for (var i = names.Length - 1; i >= 0; i--)
        {
            if (values[i] is not null && string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
