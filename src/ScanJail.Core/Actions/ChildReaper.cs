using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace ScanJail.Core.Actions;

/// <summary>
/// One thread that reaps every command the engine starts: each child's pidfd (Linux 5.3, glibc 2.36) and the read
/// ends of its stdout and stderr sit in one epoll set. The thread reads the output as it comes, collects a child's
/// status when its pidfd says it has exited, and finishes the command once its output has ended too (or
/// <see cref="ChildProcess.OutputGrace"/> after the exit). Before round 17 each child had a thread of its own; before
/// round 18 its output went through the socket engine's thread and its end through the pool (docs/latency.md).
/// Where pidfds or epoll are missing, <see cref="TryWatch"/> says no and the child keeps a thread of its own.
/// </summary>
internal static unsafe partial class ChildReaper
{
    /// <summary>The name of the reaping thread (and of the fallback's, one per command).</summary>
    internal const string ThreadName = "scanjail reaper";

    private const int EpollIn = 0x001;
    private const int EpollAdd = 1;
    private const int EpollDelete = 2;
    private const int Batch = 64;
    private const int Exit = -1; // what a token names: the pidfd, or ChildOutput.Output / Errors

    // struct epoll_event is packed on x86_64 (4-byte events, then 8-byte data), naturally aligned elsewhere.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    // Each registration has a token of its own, never reused: a late event for a closed descriptor whose number
    // came back finds no token.
    private static readonly ConcurrentDictionary<long, (Watch Watch, int What)> Tokens = new();
    private static readonly Lazy<int> Epoll = new(StartThread);
    private static long s_lastToken;

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
        var watch = new Watch(child, pidfd);
        if (!Add(epoll, watch, Exit, pidfd))
        {
            _ = PosixSpawn.Close(pidfd);
            return false;
        }
        // Output first seen after the exit is still read: epoll reports a readable pipe when it is added. Adding a fresh
        // pipe fails only without kernel memory (or past max_user_watches): that stream is then never read, and the
        // command ends at its exit plus the grace, or at its timeout if it fills the pipe.
        _ = Add(epoll, watch, ChildOutput.Output, child.Output.Fd(ChildOutput.Output));
        _ = Add(epoll, watch, ChildOutput.Errors, child.Output.Fd(ChildOutput.Errors));
        return true;
    }

    private static bool Add(int epoll, Watch watch, int what, int fd)
    {
        var token = Interlocked.Increment(ref s_lastToken);
        watch.Tokens[what + 1] = token;
        Tokens[token] = (watch, what);
        var ev = stackalloc byte[16];
        *(uint*)ev = EpollIn;
        *(long*)(ev + DataOffset) = token;
        if (EpollCtl(epoll, EpollAdd, fd, ev) == 0)
        {
            return true;
        }
        Tokens.TryRemove(token, out _);
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
        // Exited, output still open: finished at their deadline (Environment.TickCount64) whatever holds it.
        var lingering = new List<(Watch Watch, long Deadline)>();
        Action<int> closing = fd => _ = EpollCtl(epoll, EpollDelete, fd, null);
        while (true)
        {
            var timeout = lingering.Count == 0 ? -1 : (int)Math.Clamp(lingering.Min(l => l.Deadline) - Environment.TickCount64, 0, int.MaxValue);
            var n = EpollWait(epoll, events, Batch, timeout);
            // n < 0 is EINTR (a signal reached this thread); nothing else can fail on a valid set and buffer.
            for (var i = 0; i < n; i++)
            {
                if (!Tokens.TryGetValue(*(long*)(events + i * EventSize + DataOffset), out var named))
                {
                    continue;
                }
                var (watch, what) = named;
                var child = watch.Child;
                if (what == Exit)
                {
                    if (!child.TryCollect())
                    {
                        continue;
                    }
                    Forget(watch, Exit);
                    // Out of the set first: a fork elsewhere in the engine may hold a copy of the pidfd for a moment,
                    // and the set would keep reporting it ready until that copy closed.
                    closing(watch.Pidfd);
                    _ = PosixSpawn.Close(watch.Pidfd);
                    if (!Finish(watch, graceOver: false, closing))
                    {
                        lingering.Add((watch, Environment.TickCount64 + (long)ChildProcess.OutputGrace.TotalMilliseconds));
                    }
                }
                else if (child.Output.Drain(what, closing))
                {
                    Forget(watch, what);
                    if (Finish(watch, graceOver: false, closing))
                    {
                        lingering.RemoveAll(l => l.Watch == watch);
                    }
                }
            }
            var now = Environment.TickCount64;
            lingering.RemoveAll(l => l.Deadline <= now && Finish(l.Watch, graceOver: true, closing));
        }
    }

    private static bool Finish(Watch watch, bool graceOver, Action<int> closing)
    {
        if (!watch.Child.TryFinish(graceOver, closing))
        {
            return false;
        }
        Forget(watch, ChildOutput.Output);
        Forget(watch, ChildOutput.Errors);
        return true;
    }

    private static void Forget(Watch watch, int what) => Tokens.TryRemove(watch.Tokens[what + 1], out _);

    /// <summary>One child's registrations: its pidfd, and a token for each of the pidfd, stdout and stderr.</summary>
    private sealed class Watch(ChildProcess child, int pidfd)
    {
        public ChildProcess Child { get; } = child;

        public int Pidfd { get; } = pidfd;

        public long[] Tokens { get; } = [0, 0, 0];
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
