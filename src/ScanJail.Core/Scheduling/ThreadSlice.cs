using System.Runtime.InteropServices;

namespace ScanJail.Core.Scheduling;

/// <summary>
/// Asks the kernel for a short time slice for the calling thread: <c>sched_setattr</c> with <c>SCHED_OTHER</c>, the
/// thread's own nice value, and <c>sched_runtime</c> set, which Linux 6.12 and later read as the thread's slice
/// (EEVDF's custom slice; older kernels ignore it). A thread with a shorter slice gets an earlier deadline when it
/// wakes, so it takes a CPU from a thread that has been running instead of waiting for that thread's slice to end
/// (1.4 ms on the lab machine, and longer behind several): in the lab a scan's alert woke the engine's receiver while
/// nmap's burst and the listener kept both cores busy (docs/latency.md, round 9). It is not a priority: the thread's
/// weight, so its share of the CPU under load, stays what its nice value gives; only the wait to start is shorter.
/// Used by the threads a scan's drop waits for: the listener's raw sensors and the engine's datagram receivers.
/// </summary>
public static partial class ThreadSlice
{
    /// <summary>The shortest slice the kernel takes (it clamps to 0.1 to 100 ms).</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromMicroseconds(100);

    private const int SchedOther = 0;
    private const int PrioProcess = 0;
    // SCHED_FLAG_RESET_ON_FORK: threads this thread starts (the thread pool adds workers from the thread that queues
    // work) get the default slice, so the short one stays where it was asked for. Such a thread also starts at nice 0
    // when this one runs below 0.
    private const ulong ResetOnFork = 1;
    // SCHED_ATTR_SIZE_VER0: without the utilisation clamps, which every kernel with sched_setattr takes.
    private const uint AttrSize = 48;

    /// <summary>
    /// Sets <paramref name="slice"/> for the calling thread; false (and nothing changed) where the kernel or the
    /// architecture does not take the call. Best effort: only how soon the thread runs after a wake-up is at stake.
    /// </summary>
    public static bool TryShorten(TimeSpan slice)
    {
        long number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 314,
            Architecture.Arm64 => 274,
            _ => -1,
        };
        if (!OperatingSystem.IsLinux() || number < 0)
        {
            return false;
        }
        // The thread's nice value is part of the call: read it, so that only the slice changes.
        Marshal.SetLastPInvokeError(0);
        var nice = GetPriority(PrioProcess, 0);
        if (nice == -1 && Marshal.GetLastPInvokeError() != 0)
        {
            return false;
        }
        var attr = new SchedAttr
        {
            Size = AttrSize,
            Policy = SchedOther,
            Flags = ResetOnFork,
            Nice = nice,
            Runtime = (ulong)(slice.Ticks * 100),
        };
        return SetAttr(number, 0, ref attr, 0) == 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedAttr
    {
        public uint Size;
        public uint Policy;
        public ulong Flags;
        public int Nice;
        public uint Priority;
        public ulong Runtime;
        public ulong Deadline;
        public ulong Period;
    }

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, uint who);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long SetAttr(long number, int pid, ref SchedAttr attr, uint flags);
}
