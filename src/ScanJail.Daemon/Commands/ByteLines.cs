using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace ScanJail.Daemon.Commands;

/// <summary>
/// The lines of a byte range of a file as UTF-8 bytes, split where <see cref="StreamReader.ReadLine"/>
/// splits (<c>\n</c>, <c>\r\n</c> and a lone <c>\r</c>; no empty line after a final line ending), so
/// <see cref="FilterRun"/> can screen a line's bytes before it decodes them, and decodes only the lines a
/// filter could match. Read in large positioned reads (a <see cref="StreamReader"/> over a part of the
/// file read 1 KB per system call). A line is valid until the next call.
/// </summary>
internal sealed class ByteLines(SafeFileHandle handle, long start, long end, int bufferSize = ByteLines.DefaultBufferSize)
{
    public const int DefaultBufferSize = 256 * 1024;

    private byte[] _buffer = new byte[Math.Max(bufferSize, 1)];
    private long _position = start;
    private int _begin;
    private int _count;
    private bool _endOfRange;

    // The last line ended with \r: a \n right after it (maybe only in the next read) belongs to that ending.
    private bool _afterCarriageReturn;

    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(out ReadOnlySpan<byte> line)
    {
        var searched = 0;
        while (true)
        {
            if (_afterCarriageReturn && _begin < _count)
            {
                _afterCarriageReturn = false;
                if (_buffer[_begin] == (byte)'\n')
                {
                    _begin++;
                }
            }
            var data = _buffer.AsSpan(_begin, _count - _begin);
            var ending = data[searched..].IndexOfAny((byte)'\r', (byte)'\n');
            if (ending >= 0)
            {
                ending += searched;
                line = data[..ending];
                _afterCarriageReturn = data[ending] == (byte)'\r';
                _begin += ending + 1;
                return true;
            }
            if (_endOfRange)
            {
                // The last line without an ending, if any; an empty rest is no line.
                line = data;
                _begin = _count;
                return !data.IsEmpty;
            }
            searched = data.Length;
            Fill();
        }
    }

    // Moves what is left to the buffer's start (growing it when a line fills it) and reads more.
    private void Fill()
    {
        var left = _count - _begin;
        if (left == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_begin > 0)
        {
            _buffer.AsSpan(_begin, left).CopyTo(_buffer);
        }
        _begin = 0;
        _count = left;
        var wanted = (int)Math.Min(_buffer.Length - left, end - _position);
        var read = wanted <= 0 ? 0 : RandomAccess.Read(handle, _buffer.AsSpan(left, wanted), _position);
        _position += read;
        _count += read;
        _endOfRange = read == 0;
    }
}
