using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ScanJail.Core.Sources;

/// <summary>
/// One inotify instance per file source, watching the directories that hold its files, read by a thread
/// of its own. An event about a file whose name could be followed calls <c>wake</c> on that thread at
/// once, and the file source reads on it (<see cref="WakeSignal.SetInline"/>): a line appended reaches
/// the router without a hop through the thread pool. FileSystemWatcher, used before, reads inotify on
/// one thread and raises each event from the pool, and the source's loop woke on a second pool thread;
/// each hop cost milliseconds at p99 on a busy machine (docs/latency.md, round 6). The source's polling
/// timer covers whatever inotify misses (queue overflow, network file systems, no watch possible).
/// </summary>
internal sealed unsafe class DirectoryWatchers : IDisposable
{
    private readonly Func<string, bool> _isFollowedName;
    private readonly Action<bool> _wake;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _watches = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private readonly int _inotify = -1;
    private readonly int _stop = -1;
    private volatile bool _stopping;
    private bool _closed;

    /// <param name="isFollowedName">Whether a file name (no directory) in a watched directory could be followed.</param>
    /// <param name="wake">Called on the watching thread; its argument says the set of files may have changed (rescan).</param>
    public DirectoryWatchers(Func<string, bool> isFollowedName, Action<bool> wake, ILogger logger)
    {
        _isFollowedName = isFollowedName;
        _wake = wake;
        _logger = logger;
        _inotify = Inotify.Init(Inotify.CloseOnExec | Inotify.NonBlocking);
        if (_inotify < 0)
        {
            // Out of inotify instances (128 per user by default): polling follows the files.
            logger.CannotWatch("(any directory)", Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
            return;
        }
        _stop = Inotify.EventFd(0, Inotify.CloseOnExec | Inotify.NonBlocking);
        if (_stop < 0)
        {
            logger.CannotWatch("(any directory)", Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
            _ = Inotify.Close(_inotify);
            _inotify = -1;
            return;
        }
        new Thread(Watch) { IsBackground = true, Name = "scanjail inotify" }.Start();
    }

    /// <summary>True until the watching thread has ended and closed its descriptors (for tests).</summary>
    internal bool IsWatching
    {
        get
        {
            lock (_gate)
            {
                return _inotify >= 0 && !_closed;
            }
        }
    }

    /// <summary>Watches exactly <paramref name="directories"/>: new ones are added, gone ones dropped.</summary>
    public void Update(IEnumerable<string> directories)
    {
        if (_inotify < 0)
        {
            return;
        }
        var wanted = directories.Select(d => Path.GetFullPath(d.Length == 0 ? "." : d)).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            foreach (var gone in _watches.Keys.Where(d => !wanted.Contains(d)).ToList())
            {
                var watch = _watches[gone];
                _watches.Remove(gone);
                // Two paths to one directory share its watch descriptor: removed with the last one.
                if (!_watches.ContainsValue(watch))
                {
                    _ = Inotify.RemoveWatch(_inotify, watch);
                }
            }
            foreach (var directory in wanted.Where(d => !_watches.ContainsKey(d)))
            {
                var watch = Inotify.AddWatch(_inotify, directory, Inotify.Watched);
                if (watch >= 0)
                {
                    _watches[directory] = watch;
                    _failed.Remove(directory);
                }
                else if (_failed.Add(directory))
                {
                    // Polling still follows the files; said once per directory, not at every rescan.
                    _logger.CannotWatch(directory, Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
                }
            }
        }
    }

    /// <summary>Stops the watching thread, which closes the descriptors (Dispose may run on that very thread, inside <c>wake</c>).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_inotify < 0 || _stopping || _closed)
            {
                return;
            }
            _stopping = true;
            ulong one = 1;
            _ = Inotify.Write(_stop, (byte*)&one, sizeof(ulong));
        }
    }

    private void Watch()
    {
        // Room for at least 64 events with the longest names (16 + NAME_MAX + 1 bytes each).
        var buffer = new byte[64 * (Inotify.EventHeader + 256)];
        var fds = stackalloc Inotify.PollFd[2];
        try
        {
            while (!_stopping)
            {
                fds[0] = new Inotify.PollFd { Fd = _inotify, Events = Inotify.PollIn };
                fds[1] = new Inotify.PollFd { Fd = _stop, Events = Inotify.PollIn };
                if (Inotify.Poll(fds, 2, -1) < 0 && Marshal.GetLastPInvokeError() != Inotify.EINTR)
                {
                    // Cannot happen with valid descriptors; the polling timer keeps the files followed.
                    return;
                }
                if (_stopping)
                {
                    return;
                }
                nint read;
                fixed (byte* start = buffer)
                {
                    read = Inotify.Read(_inotify, start, (nuint)buffer.Length);
                }
                if (read > 0)
                {
                    Dispatch(buffer.AsSpan(0, (int)read));
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _closed = true;
                _ = Inotify.Close(_inotify);
                _ = Inotify.Close(_stop);
            }
        }
    }

    /// <summary>One wake per read, however many events it held: the source reads everything new at each wake.</summary>
    private void Dispatch(ReadOnlySpan<byte> events)
    {
        var wake = false;
        var structural = false;
        while (events.Length >= Inotify.EventHeader)
        {
            var watch = MemoryMarshal.Read<int>(events);
            var mask = MemoryMarshal.Read<uint>(events[4..]);
            var length = MemoryMarshal.Read<int>(events[12..]);
            var name = events.Slice(Inotify.EventHeader, length);
            events = events[(Inotify.EventHeader + length)..];
            if ((mask & (Inotify.Overflow | Inotify.Ignored | Inotify.DeleteSelf | Inotify.MoveSelf)) != 0)
            {
                // Events lost, or a watched directory gone or moved: look again at everything.
                if ((mask & Inotify.Ignored) != 0)
                {
                    Forget(watch);
                }
                wake = structural = true;
                continue;
            }
            var end = name.IndexOf((byte)0);
            if (_isFollowedName(Encoding.UTF8.GetString(end < 0 ? name : name[..end])))
            {
                wake = true;
                structural |= (mask & Inotify.Structural) != 0;
            }
        }
        if (wake)
        {
            _wake(structural);
        }
    }

    /// <summary>The kernel dropped a watch (its directory was removed): the next rescan adds it again if it comes back.</summary>
    private void Forget(int watch)
    {
        lock (_gate)
        {
            foreach (var directory in _watches.Where(w => w.Value == watch).Select(w => w.Key).ToList())
            {
                _watches.Remove(directory);
            }
        }
    }
}
