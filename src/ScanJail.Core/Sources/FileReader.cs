using System.Text;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace ScanJail.Core.Sources;

/// <summary>
/// One open file being read: splits what is appended into lines and writes them out. It keeps its
/// handle, so a file renamed or deleted under it can still be read to its end. Only lines ending in
/// '\n' are emitted; a partial last line waits in a buffer bounded by the maximum line length.
/// </summary>
internal sealed class FileReader : IDisposable
{
    // Invalid bytes become U+FFFD instead of throwing: log text is attacker input and must never stop the tail.
    internal static readonly UTF8Encoding Decoder = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly SafeFileHandle _handle;
    private readonly FilePosition _file;
    private byte[]? _pending;
    private int _pendingLength;
    private bool _discarding;

    private FileReader(string path, SafeFileHandle handle, FileIdentity identity)
    {
        Path = path;
        _handle = handle;
        Identity = identity;
        _file = new FilePosition(path, identity.Device, identity.Inode, 0);
    }

    /// <summary>The path lines are reported under (the followed path, even when reading a rotated-away file).</summary>
    public string Path { get; }

    public FileIdentity Identity { get; }

    /// <summary>The next byte to read.</summary>
    public long ReadOffset { get; private set; }

    /// <summary>The offset just after the last complete line: where a restart resumes.</summary>
    public long LineEnd { get; private set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last read that returned data (or of the open).</summary>
    public long LastDataTimestamp { get; private set; }

    public FilePosition Position => new(Path, Identity.Device, Identity.Inode, LineEnd);

    public long Length => RandomAccess.GetLength(_handle);

    /// <summary>Opens <paramref name="openPath"/> (which may differ from the reported path, e.g. <c>path.1</c>).</summary>
    public static FileReader Open(string path, string openPath, TimeProvider time)
    {
        var handle = File.OpenHandle(openPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            return new FileReader(path, handle, FileIdentity.Of(handle)) { LastDataTimestamp = time.GetTimestamp() };
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Starts over at <paramref name="offset"/>, forgetting any partial line (used after a truncation).</summary>
    public void Restart(long offset)
    {
        ReadOffset = offset;
        LineEnd = offset;
        _pendingLength = 0;
        _discarding = false;
    }

    /// <summary>
    /// Starts at <paramref name="offset"/>, which may fall inside a line (the end of a file being written):
    /// the rest of such a line is skipped rather than emitted as a fragment.
    /// </summary>
    public void StartAt(long offset)
    {
        Restart(offset);
        if (offset > 0)
        {
            Span<byte> previous = stackalloc byte[1];
            _discarding = RandomAccess.Read(_handle, previous, offset - 1) == 1 && previous[0] != (byte)'\n';
        }
    }

    /// <summary>
    /// Reads to the current end of the file, writing every complete line. <paramref name="reportAs"/>
    /// replaces the position carried by the lines (see <see cref="FileTail"/>). Returns whether any byte was read.
    /// </summary>
    public async ValueTask<bool> ReadAvailableAsync(ReadContext context, FilePosition? reportAs, CancellationToken cancellationToken)
    {
        var buffer = context.Buffer;
        var any = false;
        while (true)
        {
            if (context.Sink is not null)
            {
                // No channel write to be cancelled on: a stop must not wait for the rest of a long file.
                cancellationToken.ThrowIfCancellationRequested();
            }
            var count = RandomAccess.Read(_handle, buffer, ReadOffset);
            if (count == 0)
            {
                if (context.Sink is { } sink)
                {
                    // Nothing more to read now: what the sink holds goes to the engine (a channel's router sees its channel empty).
                    await sink.SendAsync(endOfRead: true);
                }
                return any;
            }

            any = true;
            LastDataTimestamp = context.Time.GetTimestamp();
            var chunkStart = ReadOffset;
            ReadOffset += count;
            context.Counters.Bytes.Add(count);
            var readAt = context.Time.GetUtcNow();
            var position = 0;
            while (position < count)
            {
                var line = TakeLine(context, buffer, ref position, count, chunkStart, readAt, reportAs, out var send);
                if (line is not null)
                {
                    // More follows while this chunk has bytes left, or the read filled the buffer.
                    await context.WriteAsync(line, position < count || count == buffer.Length, cancellationToken);
                }
                else if (send)
                {
                    await context.Sink!.SendAsync(endOfRead: false);
                }
            }
            if (count < buffer.Length && context.Sink is { } last)
            {
                // A short read is most likely the file's end: what it found goes out now, not after one more read.
                await last.SendAsync(endOfRead: true);
            }
        }
    }

    /// <summary>Emits a pending line that will never get its newline (its file was rotated away or truncated).</summary>
    public async ValueTask FlushPartialAsync(ReadContext context, FilePosition? reportAs, CancellationToken cancellationToken)
    {
        if (_pendingLength == 0 || _discarding || _pending is null)
        {
            _pendingLength = 0;
            _discarding = false;
            return;
        }

        LineEnd = ReadOffset;
        var line = MakeLine(context, _pending.AsSpan(0, _pendingLength), context.Time.GetUtcNow(), reportAs, out _);
        _pendingLength = 0;
        if (line is null)
        {
            await context.Sink!.SendAsync(endOfRead: true);
            return;
        }
        await context.WriteAsync(line, moreComing: false, cancellationToken);
    }

    public void Dispose() => _handle.Dispose();

    // Null when no line was completed, or it went to the context's sink (send: the sink has a message ready).
    private LogLine? TakeLine(ReadContext context, byte[] buffer, ref int position, int end, long chunkStart, DateTimeOffset readAt, FilePosition? reportAs, out bool send)
    {
        send = false;
        var span = buffer.AsSpan(position, end - position);
        var newline = span.IndexOf((byte)'\n');
        if (newline < 0)
        {
            Hold(context, span);
            position = end;
            return null;
        }

        position += newline + 1;
        LineEnd = chunkStart + position;
        var body = span[..newline];
        if (_discarding)
        {
            _discarding = false;
            return null;
        }

        var max = context.MaxLineLength;
        if (_pendingLength > 0)
        {
            var length = _pendingLength;
            _pendingLength = 0;
            if (length + body.Length > max)
            {
                context.Counters.TooLong.Increment();
                return null;
            }

            body.CopyTo(_pending.AsSpan(length));
            return MakeLine(context, _pending.AsSpan(0, length + body.Length), readAt, reportAs, out send);
        }

        if (body.Length > max)
        {
            context.Counters.TooLong.Increment();
            return null;
        }

        return MakeLine(context, body, readAt, reportAs, out send);
    }

    // Keeps the start of a line whose newline has not been read yet; past the limit, the line is dropped now
    // and the rest of it skipped when it comes, so memory stays at one line of the maximum length.
    private void Hold(ReadContext context, ReadOnlySpan<byte> fragment)
    {
        if (_discarding)
        {
            return;
        }

        if (_pendingLength + fragment.Length > context.MaxLineLength)
        {
            _pendingLength = 0;
            _discarding = true;
            context.Counters.TooLong.Increment();
            return;
        }

        _pending ??= new byte[context.MaxLineLength];
        fragment.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += fragment.Length;
    }

    // With a sink the line goes to it (decoded into the context's reused characters, no string) and null is returned.
    private LogLine? MakeLine(ReadContext context, ReadOnlySpan<byte> body, DateTimeOffset readAt, FilePosition? reportAs, out bool send)
    {
        send = false;
        if (!body.IsEmpty && body[^1] == (byte)'\r')
        {
            body = body[..^1];
        }

        context.Counters.Lines.Increment();
        var screened = context.Screen is { } screen && !screen.MayMatch(body);
        // A line a sink takes as characters is checked by its decoding (one pass); any other on its own.
        var decodeHere = context.Sink is not null && !screened;
        var valid = true;
        var chars = decodeHere ? context.Decode(body, out valid) : [];
        if (!(decodeHere ? valid : Utf8.IsValid(body)))
        {
            context.Counters.InvalidUtf8.Increment();
        }
        if (context.Sink is { } sink)
        {
            send = sink.Take(chars, screened, readAt, reportAs ?? _file, reportAs is null ? LineEnd : -1);
            return null;
        }
        if (screened)
        {
            // No reader's filter can match it: counted and positioned like any line, never decoded.
            return reportAs is null ? new LogLine("", Path, readAt, _file, LineEnd) { Screened = true } : new LogLine("", Path, readAt, reportAs) { Screened = true };
        }
        var text = Decoder.GetString(body);
        return reportAs is null ? new LogLine(text, Path, readAt, _file, LineEnd) : new LogLine(text, Path, readAt, reportAs);
    }
}
