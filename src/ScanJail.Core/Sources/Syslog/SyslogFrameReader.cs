using System.Buffers.Text;

namespace ScanJail.Core.Sources.Syslog;

/// <summary>
/// Splits a syslog TCP stream into messages. The first byte of the connection decides the framing
/// (RFC 6587): a digit means octet counting (<c>LEN SP MSG</c>, MSG may hold line feeds), anything
/// else means one message per line. A message longer than the limit is skipped and counted.
/// </summary>
internal sealed class SyslogFrameReader(Stream stream, int maxLength)
{
    private readonly byte[] _buffer = new byte[Math.Max(maxLength, 1024) + 16];
    private int _start;
    private int _end;
    private bool? _octetCounting;
    private bool _eof;
    private long _skip;
    private bool _skipToLineFeed;

    /// <summary>How many messages were skipped for length (or a broken octet count).</summary>
    public long TooLong { get; private set; }

    public bool OctetCounting => _octetCounting == true;

    /// <summary>The next message's bytes, or null at the end of the stream.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_octetCounting is null && _end > _start)
            {
                _octetCounting = char.IsAsciiDigit((char)_buffer[_start]);
            }
            if (_octetCounting is { } octets && TryFrame(octets, out var frame))
            {
                if (frame is { } message)
                {
                    return message;
                }
                continue;
            }
            if (_eof)
            {
                return null;
            }
            await FillAsync(cancellationToken);
        }
    }

    // true when a frame was taken (frame null: a skipped one); false when more bytes are needed.
    private bool TryFrame(bool octets, out ReadOnlyMemory<byte>? frame)
    {
        frame = null;
        var data = _buffer.AsSpan(_start, _end - _start);
        if (!octets)
        {
            var lf = data.IndexOf((byte)'\n');
            if (lf > maxLength)
            {
                TooLong++;
                _start += lf + 1;
                return true;
            }
            if (lf >= 0)
            {
                frame = _buffer.AsMemory(_start, lf);
                _start += lf + 1;
                return true;
            }
            if (_eof && data.Length > 0)
            {
                frame = _buffer.AsMemory(_start, data.Length);
                _start = _end;
                return true;
            }
            if (data.Length >= maxLength)
            {
                // Too long: drop what we have and keep dropping until the next line feed.
                TooLong++;
                _start = _end;
                _skipToLineFeed = true;
            }
            return false;
        }
        var space = data.IndexOf((byte)' ');
        if (space < 0)
        {
            if (data.Length > 10 || (_eof && data.Length > 0))
            {
                Broken();
            }
            return false;
        }
        if (!Utf8Parser.TryParse(data[..space], out int length, out var used) || used != space || length < 0)
        {
            Broken();
            return false;
        }
        if (length > maxLength)
        {
            TooLong++;
            _skip = length;
            _start += space + 1;
            SkipBuffered();
            frame = null;
            return true;
        }
        if (data.Length - space - 1 < length)
        {
            return false;
        }
        frame = _buffer.AsMemory(_start + space + 1, length);
        _start += space + 1 + length;
        return true;
    }

    // A count that is not a number: the stream cannot be re-synchronised, so the rest is dropped.
    private void Broken()
    {
        TooLong++;
        _start = _end;
        _eof = true;
    }

    private void SkipBuffered()
    {
        var take = (int)Math.Min(_skip, _end - _start);
        _start += take;
        _skip -= take;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            _eof = true;
            return;
        }
        _end += read;
        if (_skip > 0)
        {
            SkipBuffered();
        }
        if (_skipToLineFeed)
        {
            var lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            _start = lf < 0 ? _end : _start + lf + 1;
            _skipToLineFeed = lf < 0;
        }
    }
}
