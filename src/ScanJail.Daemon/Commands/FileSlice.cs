using Microsoft.Win32.SafeHandles;

namespace ScanJail.Daemon.Commands;

/// <summary>
/// A byte range of a file read as a stream, so a <see cref="StreamReader"/> stops at the range's end:
/// <see cref="FilterRun"/> reads the parts of a log, cut at newlines, on several threads.
/// Read-only and forward-only.
/// </summary>
internal sealed class FileSlice(string path, long start, long end) : Stream
{
    private readonly SafeFileHandle _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    private long _position = start;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Where to cut <paramref name="path"/> into at most <paramref name="parts"/> ranges, each ending just
    /// after a newline (the last at the file's end). One range when the file is small or starts with a byte
    /// order mark (a reader of the whole file decodes by it; a reader of a later part would not see it).
    /// </summary>
    public static IReadOnlyList<(long Start, long End)> Cut(string path, int parts, long minimumPart)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        Span<byte> head = stackalloc byte[4];
        var headLength = RandomAccess.Read(handle, head, 0);
        if (parts <= 1 || length < minimumPart * 2 || HasByteOrderMark(head[..headLength]))
        {
            return [(0, length)];
        }
        var cuts = new List<(long Start, long End)>();
        var buffer = new byte[64 * 1024];
        long start = 0;
        for (var k = 1; k < parts && start < length; k++)
        {
            var cut = NewlineAfter(handle, Math.Max(start, length * k / parts), buffer);
            if (cut < 0)
            {
                break;
            }
            cuts.Add((start, cut));
            start = cut;
        }
        if (start < length || cuts.Count == 0)
        {
            cuts.Add((start, length));
        }
        return cuts;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, end - _position);
        if (count <= 0)
        {
            return 0;
        }
        var read = RandomAccess.Read(_handle, buffer[..count], _position);
        _position += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _handle.Dispose();
        }
        base.Dispose(disposing);
    }

    // UTF-8, UTF-16 (either order) and UTF-32 big-endian marks, which StreamReader detects.
    private static bool HasByteOrderMark(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
        || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]);

    // The offset just after the first newline at or after from, or -1 when there is none.
    private static long NewlineAfter(SafeFileHandle handle, long from, byte[] buffer)
    {
        while (true)
        {
            var read = RandomAccess.Read(handle, buffer, from);
            if (read == 0)
            {
                return -1;
            }
            var newline = buffer.AsSpan(0, read).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                return from + newline + 1;
            }
            from += read;
        }
    }
}
