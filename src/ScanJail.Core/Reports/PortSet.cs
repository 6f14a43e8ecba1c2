using System.Collections;
using System.Numerics;

namespace ScanJail.Core.Reports;

/// <summary>
/// The distinct ports (1 to 65535) a source probed, in ascending order: a sorted array while there are
/// few (most sources), a bitmap of all 65535 once there are many. A <see cref="SortedSet{T}"/> made a
/// node object per port, and the scan ledger's sets were much of what a replay kept alive.
/// </summary>
internal sealed class PortSet : IEnumerable<int>
{
    private const int SmallLimit = 256;
    private int[] _small = new int[4];
    private ulong[]? _bits;

    public int Count { get; private set; }

    /// <summary>Adds <paramref name="port"/> (1 to 65535); false when it was there already.</summary>
    public bool Add(int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if (_bits is not null)
        {
            return SetBit(port);
        }
        var at = Array.BinarySearch(_small, 0, Count, port);
        if (at >= 0)
        {
            return false;
        }
        if (Count == SmallLimit)
        {
            _bits = new ulong[65536 / 64];
            foreach (var p in _small.AsSpan(0, Count))
            {
                _bits[p >> 6] |= 1UL << (p & 63);
            }
            _small = [];
            return SetBit(port);
        }
        if (Count == _small.Length)
        {
            Array.Resize(ref _small, Math.Min(SmallLimit, Count * 2));
        }
        at = ~at;
        Array.Copy(_small, at, _small, at + 1, Count - at);
        _small[at] = port;
        Count++;
        return true;
    }

    public IEnumerator<int> GetEnumerator()
    {
        if (_bits is null)
        {
            for (var i = 0; i < Count; i++)
            {
                yield return _small[i];
            }
            yield break;
        }
        for (var word = 0; word < _bits.Length; word++)
        {
            var bits = _bits[word];
            while (bits != 0)
            {
                yield return word * 64 + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private bool SetBit(int port)
    {
        ref var word = ref _bits![port >> 6];
        var bit = 1UL << (port & 63);
        if ((word & bit) != 0)
        {
            return false;
        }
        word |= bit;
        Count++;
        return true;
    }
}
