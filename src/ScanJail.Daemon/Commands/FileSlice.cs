using Microsoft.Win32.SafeHandles;

namespace ScanJail.Daemon.Commands;

/// <summary>
/// Where to cut a log into byte ranges at newlines, so <see cref="FilterRun"/> reads the parts on several
/// threads (each with <see cref="ByteLines"/>).
/// </summary>
internal static class FileSlice
{
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

    /// <summary>Whether <paramref name="path"/> starts with a byte order mark that <see cref="StreamReader"/> would decode by.</summary>
    public static bool StartsWithByteOrderMark(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> head = stackalloc byte[4];
        return HasByteOrderMark(head[..RandomAccess.Read(handle, head, 0)]);
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
