using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ScanJail.Core.Actions;

/// <summary>
/// One thread that reaps every command the engine starts: each child's pidfd (Linux 5.3, glibc 2.36) sits in one
/// epoll set, and the thread collects a child's status when its pidfd says it has exited. Before this, each child had
/// a thread of its own: creating it, and waiting in <c>Thread.Start</c> until it ran, took a tenth of a millisecond on
/// the engine loop right after each spawn, beside the command it had just started (docs/latency.md, round 17).
/// Where pidfds or epoll are missing, <see cref="TryWatch"/> says no and the child keeps a thread of its own.
/// </summary>
internal static unsafe partial class ChildReaper
{
    /// <summary>The name of the reaping thread (and of the fallback's, one per command).</summary>
    internal const string ThreadName = "scanjail reaper";

    private const int EpollIn = 0x001;
    private const int EpollAdd = 1;
    private const int Batch = 64;

    // struct epoll_event is packed on x86_64 (4-byte events, then 8-byte data), naturally aligned elsewhere.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private static readonly ConcurrentDictionary<int, ChildProcess> Watched = new();
    private static readonly Lazy<int> Epoll = new(StartThread);

    /// <summary>Watches <paramref name="child"/> until it exits, then reaps it; false when this kernel or libc cannot.</summary>
    public static bool TryWatch(ChildProcess child)
    {
        var epoll = Epoll.Value;
        if (epoll < 0)
        {
            return false;
        }
        // Not reaped yet, so the pid cannot have been reused: the pidfd is this child's.
        var pidfd = PidfdOpen(child.Id, 0);
        if (pidfd < 0)
        {
            return false;
        }
        Watched[pidfd] = child;
        var ev = stackalloc byte[16];
        *(uint*)ev = EpollIn;
        *(long*)(ev + DataOffset) = pidfd;
        if (EpollCtl(epoll, EpollAdd, pidfd, ev) == 0)
        {
            return true;
        }
        Watched.TryRemove(pidfd, out _);
        _ = PosixSpawn.Close(pidfd);
        return false;
    }

    private static int StartThread()
    {
        int epoll;
        try
        {
            // A pidfd of the engine itself says whether this kernel (5.3) and libc (2.36) have them.
            var own = PidfdOpen(Environment.ProcessId, 0);
            if (own < 0)
            {
                return -1;
            }
            _ = PosixSpawn.Close(own);
            epoll = EpollCreate(PosixSpawn.CloseOnExec);
        }
        catch (EntryPointNotFoundException)
        {
            return -1;
        }
        if (epoll >= 0)
        {
            new Thread(() => Run(epoll)) { IsBackground = true, Name = ThreadName }.Start();
        }
        return epoll;
    }

    private static void Run(int epoll)
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(Batch * EventSize));
        while (true)
        {
            var n = EpollWait(epoll, events, Batch, -1);
            if (n < 0)
            {
                // EINTR: a signal reached this thread. Nothing else can fail on a valid set and buffer.
                continue;
            }
            for (var i = 0; i < n; i++)
            {
                var pidfd = (int)*(long*)(events + i * EventSize + DataOffset);
                if (Watched.TryGetValue(pidfd, out var child) && child.TryCollect())
                {
                    Watched.TryRemove(pidfd, out _);
                    // Closing the last reference takes it out of the set.
                    _ = PosixSpawn.Close(pidfd);
                }
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "pidfd_open")]
    private static partial int PidfdOpen(int pid, uint flags);

    [LibraryImport("libc", EntryPoint = "epoll_create1")]
    private static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl")]
    private static partial int EpollCtl(int epoll, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait")]
    private static partial int EpollWait(int epoll, byte* events, int max, int timeout);
}
