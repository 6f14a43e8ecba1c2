using System.Runtime.InteropServices;
using System.Text;

namespace ScanJail.Core.Actions;

/// <summary>
/// A command's stdout and stderr: the read ends of their pipes (non-blocking), read by the thread that reaps the
/// command (<see cref="ChildReaper"/>'s, or its own) as they become readable, so that neither the socket engine
/// nor the thread pool runs for a command (docs/latency.md, round 18). The first <see cref="Kept"/> bytes of each
/// are kept; the rest is read and dropped, so a verbose command never blocks on a full pipe.
/// </summary>
internal sealed unsafe class ChildOutput
{
    /// <summary>Bytes kept of each stream (a command's error line needs far less; the tests read their output).</summary>
    public const int Kept = 64 * 1024;

    public const int Output = 0;
    public const int Errors = 1;

    private readonly int[] _fds;
    private readonly MemoryStream[] _kept = [new(), new()];

    public ChildOutput(int output, int errors) => _fds = [output, errors];

    /// <summary>The read end of <paramref name="stream"/>, or -1 once it reached its end and was closed.</summary>
    public int Fd(int stream) => _fds[stream];

    public bool IsOpen => _fds[Output] >= 0 || _fds[Errors] >= 0;

    /// <summary>
    /// Reads what the pipe holds now; true once it reached end-of-file (or failed) and was closed.
    /// <paramref name="closing"/> runs first with the descriptor (the reaper takes it out of its epoll set).
    /// </summary>
    public bool Drain(int stream, Action<int>? closing = null)
    {
        var fd = _fds[stream];
        if (fd < 0)
        {
            return true;
        }
        var buffer = stackalloc byte[4096];
        while (true)
        {
            var n = PosixSpawn.Read(fd, buffer, 4096);
            if (n > 0)
            {
                var room = Kept - (int)_kept[stream].Length;
                if (room > 0)
                {
                    _kept[stream].Write(new ReadOnlySpan<byte>(buffer, (int)Math.Min(n, room)));
                }
                continue;
            }
            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == PosixSpawn.EINTR)
                {
                    continue;
                }
                if (errno == PosixSpawn.EAGAIN)
                {
                    return false;
                }
            }
            Close(stream, closing);
            return true;
        }
    }

    /// <summary>Closes what is still open (a process that escaped the command's group may hold it open for ever).</summary>
    public void CloseAll(Action<int>? closing = null)
    {
        Close(Output, closing);
        Close(Errors, closing);
    }

    /// <summary>What was kept of <paramref name="stream"/>, as UTF-8 text.</summary>
    public string Text(int stream) => Encoding.UTF8.GetString(_kept[stream].GetBuffer(), 0, (int)_kept[stream].Length);

    private void Close(int stream, Action<int>? closing)
    {
        var fd = _fds[stream];
        if (fd < 0)
        {
            return;
        }
        closing?.Invoke(fd);
        _ = PosixSpawn.Close(fd);
        _fds[stream] = -1;
    }
}
