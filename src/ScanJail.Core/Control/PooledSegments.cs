using System.Buffers;

namespace ScanJail.Core.Control;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> of bytes kept in pieces rented from the shared pool and given back on
/// <see cref="Dispose"/>. A jail's status with 100,000 bans is over a megabyte: written into one growing array it
/// was copied at every doubling and left four megabytes of large objects per answer, whose collections (of the
/// engine's whole heap) made some answers three times slower than the rest. Here nothing is copied and nothing
/// is left behind.
/// </summary>
public sealed class PooledSegments : IBufferWriter<byte>, IDisposable
{
    /// <summary>The size of each piece: the pool keeps arrays of this size, and a socket takes one in one call.</summary>
    public const int PieceSize = 64 * 1024;

    private readonly List<(byte[] Array, int Length)> _pieces = [];
    private byte[]? _current;
    private int _used;

    /// <summary>The bytes written so far, piece by piece, in order.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Pieces
    {
        get
        {
            foreach (var (array, length) in _pieces)
            {
                yield return array.AsMemory(0, length);
            }
            if (_current is not null && _used > 0)
            {
                yield return _current.AsMemory(0, _used);
            }
        }
    }

    /// <summary>How many bytes were written.</summary>
    public long Length => _pieces.Sum(p => (long)p.Length) + _used;

    public void Advance(int count)
    {
        if (count < 0 || _current is null || _used + count > _current.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "more than the span given");
        }
        _used += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current.AsMemory(_used);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _current.AsSpan(_used);
    }

    /// <summary>The bytes as one array (tests, and small answers).</summary>
    public byte[] ToArray()
    {
        var all = new byte[Length];
        var at = 0;
        foreach (var piece in Pieces)
        {
            piece.Span.CopyTo(all.AsSpan(at));
            at += piece.Length;
        }
        return all;
    }

    public void Dispose()
    {
        foreach (var (array, _) in _pieces)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
        _pieces.Clear();
        if (_current is not null)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = null;
        }
        _used = 0;
    }

    // A new piece when the current one has less room than asked for (at least one byte): the writer's span
    // never straddles two pieces.
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_current))]
    private void Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_current is not null && _current.Length - _used >= needed)
        {
            return;
        }
        if (_current is not null)
        {
            if (_used > 0)
            {
                _pieces.Add((_current, _used));
            }
            else
            {
                ArrayPool<byte>.Shared.Return(_current);
            }
        }
        _current = ArrayPool<byte>.Shared.Rent(Math.Max(needed, PieceSize));
        _used = 0;
    }
}
