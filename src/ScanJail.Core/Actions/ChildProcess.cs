using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ScanJail.Core.Actions;

/// <summary>
/// One command started with <c>posix_spawn</c> (argv as given, never a shell), stdout and stderr as pipes
/// (read by the thread that reaps it, <see cref="ChildOutput"/>), stdin a pipe when the command is given input
/// and the null device otherwise, and no other descriptor open, in a process group of its own (so a timeout
/// kills its children too), with every signal at its default and none blocked. Measured inside the engine,
/// <c>Process.Start</c> took three times as long to get a ban command running (docs/latency.md, rounds 5
/// and 6); this path does only what a command needs. The child is reaped by exactly its pid (by <see cref="ChildReaper"/>'s thread, or where pidfds
/// are missing a thread of its own), so .NET's own SIGCHLD handling (which reaps only the children it started) is
/// not disturbed, and no zombie is left.
/// </summary>
internal sealed unsafe class ChildProcess : IDisposable
{
    private const int IdPid = 1;
    private const int Exited = 4;
    private const int NoWait = 0x01000000;
    private const int NoHang = 1;
    private const int SignalInfoPid = 16; // siginfo_t.si_pid on 64-bit Linux
    private const int SignalInfoSize = 128;

    // Synchronous continuations: what awaits a command (its action's queue, which may start the next command)
    // goes on on the reaping thread, without a hop to the pool; every await on that path is asynchronous.
    private readonly TaskCompletionSource<ChildResult> _finished = new();
    private readonly Lock _gate = new();
    private bool _reaped;
    // Touched by the reaping thread only.
    private bool _exited;
    private int? _code;

    // The null device, opened once (close-on-exec) and never closed: the stdin of every command given no input.
    // A pipe for it cost each ban a pipe2, a stream and its close (docs/latency.md, round 19); -1 where it cannot be
    // opened (a chroot without /dev), and such a command then gets a pipe that is closed at once.
    private static readonly Lazy<int> NullDevice = new(() => PosixSpawn.Open("/dev/null", PosixSpawn.CloseOnExec));

    private ChildProcess(int id, Stream? input, ChildOutput output)
    {
        Id = id;
        StandardInput = input;
        Output = output;
    }

    /// <summary>How long the output may stay open after the exit (held by a process that escaped the group, a daemon).</summary>
    public static TimeSpan OutputGrace { get; } = TimeSpan.FromSeconds(2);

    public int Id { get; }

    /// <summary>The command's stdin when it was started with <c>input</c>; null otherwise (it reads end-of-file at once).</summary>
    public Stream? StandardInput { get; }

    /// <summary>Its stdout and stderr, read by the reaping thread.</summary>
    internal ChildOutput Output { get; }

    /// <summary>
    /// Completes once the process has ended and its stdout and stderr reached their end (or <see cref="OutputGrace"/>
    /// after the exit). The exit code is 128 + the signal's number when a signal ended it, as .NET reports it; null
    /// when another reaper took its status (only if the engine was started with SIGCHLD ignored, when .NET reaps every
    /// child). Its continuations run on the reaping thread.
    /// </summary>
    public Task<ChildResult> Finished => _finished.Task;

    /// <summary>
    /// Starts <paramref name="argv"/> with exactly <paramref name="environment"/> ("NAME=value"), with
    /// <see cref="StandardInput"/> to write to if <paramref name="input"/>. It is reaped by <see cref="ChildReaper"/>,
    /// or by a thread of its own where pidfds are missing or <paramref name="reaperOfItsOwn"/> asks for one (the tests
    /// of that path, which this kernel would otherwise never take).
    /// </summary>
    /// <exception cref="ChildStartException">The program could not be started (missing, not executable...).</exception>
    public static ChildProcess Start(IReadOnlyList<string> argv, IReadOnlyList<string> environment, bool reaperOfItsOwn = false, bool input = false)
    {
        var pipes = stackalloc int[6] { -1, -1, -1, -1, -1, -1 };
        var handed = false;
        var nullInput = input ? -1 : NullDevice.Value;
        try
        {
            for (var i = nullInput >= 0 ? 1 : 0; i < 3; i++)
            {
                if (PosixSpawn.Pipe(pipes + 2 * i, PosixSpawn.CloseOnExec) != 0)
                {
                    throw new ChildStartException(Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
                }
            }
            // Only the engine's read ends: the command's stdout blocks on a full pipe, as a command expects.
            _ = PosixSpawn.Fcntl(pipes[2], PosixSpawn.SetStatusFlags, PosixSpawn.NonBlocking);
            _ = PosixSpawn.Fcntl(pipes[4], PosixSpawn.SetStatusFlags, PosixSpawn.NonBlocking);
            // The child's ends: stdin reads from the first pipe (or the null device), stdout and stderr write to the others.
            var pid = Spawn(Resolve(argv[0]), argv, environment, nullInput >= 0 ? nullInput : pipes[0], pipes[3], pipes[5]);
            if (!input)
            {
                CloseIfOpen(pipes[1]); // no null device: end-of-file on the pipe
                pipes[1] = -1;
            }
            var child = new ChildProcess(pid,
                pipes[1] >= 0 ? new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(pipes[1], ownsHandle: true)) : null,
                new ChildOutput(pipes[2], pipes[4]));
            handed = true;
            if (reaperOfItsOwn || !ChildReaper.TryWatch(child))
            {
                new Thread(child.ReapAlone) { IsBackground = true, Name = ChildReaper.ThreadName }.Start();
            }
            return child;
        }
        finally
        {
            // The child has its copies (or never started); the parent's ends are the streams' now.
            foreach (var fd in (ReadOnlySpan<int>)[pipes[0], pipes[3], pipes[5]])
            {
                CloseIfOpen(fd);
            }
            if (!handed)
            {
                foreach (var fd in (ReadOnlySpan<int>)[pipes[1], pipes[2], pipes[4]])
                {
                    CloseIfOpen(fd);
                }
            }
        }
    }

    /// <summary>SIGKILL to the process and its group (children that stayed in it), unless it was reaped already.</summary>
    public void KillAll()
    {
        // Under the lock the pid cannot be reaped and reused meanwhile (Collect takes the status under it).
        lock (_gate)
        {
            if (_reaped)
            {
                return;
            }
            _ = PosixSpawn.Kill(-Id, PosixSpawn.SIGKILL);
            _ = PosixSpawn.Kill(Id, PosixSpawn.SIGKILL);
        }
    }

    /// <summary>Closes stdin; stdout and stderr are the reaping thread's, which closes them when the command finishes.</summary>
    public void Dispose() => StandardInput?.Dispose();

    private static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment, int stdin, int stdout, int stderr)
    {
        // Every string, NUL-terminated, in one native block: a ban command's 60-odd strings took a malloc and a free each.
        var most = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        foreach (var list in (ReadOnlySpan<IReadOnlyList<string>>)[argv, environment])
        {
            for (var i = 0; i < list.Count; i++)
            {
                most += Encoding.UTF8.GetMaxByteCount(list[i].Length) + 1;
            }
        }
        var text = (byte*)NativeMemory.Alloc((nuint)most);
        var end = text + most;
        var fileActions = (byte*)NativeMemory.AllocZeroed(PosixSpawn.OpaqueSize);
        var attributes = (byte*)NativeMemory.AllocZeroed(PosixSpawn.OpaqueSize);
        var signals = stackalloc byte[PosixSpawn.OpaqueSize];
        var args = stackalloc nint[argv.Count + 1];
        var env = (nint*)NativeMemory.Alloc((nuint)(environment.Count + 1), (nuint)sizeof(nint));
        try
        {
            var at = text;
            var native = Utf8(path, ref at, end);
            for (var i = 0; i < argv.Count; i++)
            {
                args[i] = Utf8(argv[i], ref at, end);
            }
            args[argv.Count] = 0;
            for (var i = 0; i < environment.Count; i++)
            {
                env[i] = Utf8(environment[i], ref at, end);
            }
            env[environment.Count] = 0;

            _ = PosixSpawn.FileActionsInit(fileActions);
            _ = PosixSpawn.FileActionsAddDup2(fileActions, stdin, 0);
            _ = PosixSpawn.FileActionsAddDup2(fileActions, stdout, 1);
            _ = PosixSpawn.FileActionsAddDup2(fileActions, stderr, 2);
            // Nothing else reaches the command: the engine's descriptors are close-on-exec, but one another thread
            // opens at the moment of the spawn may not be yet (SQLite sets the flag after its open), and those the
            // engine inherited from whoever started it need not be.
            _ = PosixSpawn.FileActionsAddCloseFrom(fileActions, 3);
            _ = PosixSpawn.AttributesInit(attributes);
            _ = PosixSpawn.AttributesSetFlags(attributes, PosixSpawn.SetProcessGroup | PosixSpawn.SetSignalDefaults | PosixSpawn.SetSignalMask);
            _ = PosixSpawn.AttributesSetProcessGroup(attributes, 0);
            _ = PosixSpawn.SignalsEmpty(signals);
            _ = PosixSpawn.AttributesSetSignalMask(attributes, signals);
            _ = PosixSpawn.SignalsFill(signals);
            // sigfillset leaves out glibc's two internal signals (32, 33), which the child would then leave
            // ignored across the exec: every signal 1 to 64 (bit n - 1) goes back to its default.
            new Span<byte>(signals, sizeof(ulong)).Fill(0xff);
            _ = PosixSpawn.AttributesSetSignalDefaults(attributes, signals);

            var rc = PosixSpawn.Spawn(out var pid, (byte*)native, fileActions, attributes, (byte**)args, (byte**)env);
            return rc == 0 ? pid : throw new ChildStartException(Marshal.GetPInvokeErrorMessage(rc));
        }
        finally
        {
            _ = PosixSpawn.FileActionsDestroy(fileActions);
            _ = PosixSpawn.AttributesDestroy(attributes);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(env);
            NativeMemory.Free(text);
        }
    }

    /// <summary>Writes <paramref name="text"/> and a NUL at <paramref name="at"/>, moves it past them, and returns where it started.</summary>
    private static nint Utf8(string text, ref byte* at, byte* end)
    {
        var start = at;
        var length = Encoding.UTF8.GetBytes(text, new Span<byte>(at, (int)(end - at)));
        at[length] = 0;
        at += length + 1;
        return (nint)start;
    }

    /// <summary>
    /// A name without a slash is looked up in PATH (first executable file), as a shell does; unlike
    /// <c>Process.Start</c>, never in the current or the program's own directory. Not found: the name
    /// as it is, and the spawn fails with "No such file or directory".
    /// </summary>
    internal static string Resolve(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return program;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            try
            {
                if (!OperatingSystem.IsWindows() && File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                {
                    return candidate;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable PATH entry is skipped, as a shell skips it.
            }
        }
        return program;
    }

    /// <summary>
    /// The fallback's thread, one per command: reads the output as it comes (<c>poll</c>, looking for the exit every
    /// 50 ms while the output is open), reaps, and finishes the command.
    /// </summary>
    private void ReapAlone()
    {
        var polled = stackalloc byte[16]; // two struct pollfd: int fd, short events, short revents
        var graceEnds = long.MaxValue;
        while (true)
        {
            if (Output.IsOpen)
            {
                var count = 0;
                foreach (var stream in (ReadOnlySpan<int>)[ChildOutput.Output, ChildOutput.Errors])
                {
                    if (Output.Fd(stream) >= 0)
                    {
                        *(int*)(polled + 8 * count) = Output.Fd(stream);
                        *(int*)(polled + 8 * count + 4) = PosixSpawn.PollIn; // events; revents cleared
                        count++;
                    }
                }
                var timeout = _exited ? (int)Math.Clamp(graceEnds - Environment.TickCount64, 0, int.MaxValue) : 50;
                _ = PosixSpawn.Poll(polled, (nuint)count, timeout);
                Output.Drain(ChildOutput.Output);
                Output.Drain(ChildOutput.Errors);
            }
            if (!_exited)
            {
                if (!Output.IsOpen)
                {
                    while (!TryCollect(wait: true))
                    {
                    }
                }
                else if (TryCollect())
                {
                    graceEnds = Environment.TickCount64 + (long)OutputGrace.TotalMilliseconds;
                }
            }
            if (TryFinish(graceOver: Environment.TickCount64 >= graceEnds))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Completes <see cref="Finished"/> once the child is reaped and its output at its end, or at once after the exit
    /// when <paramref name="graceOver"/> (what is still open is closed, <paramref name="closing"/> first); false if not yet.
    /// </summary>
    internal bool TryFinish(bool graceOver, Action<int>? closing = null)
    {
        if (!_exited || (Output.IsOpen && !graceOver))
        {
            return false;
        }
        Output.CloseAll(closing);
        _finished.TrySetResult(new ChildResult(_code, Output.Text(ChildOutput.Output), Output.Text(ChildOutput.Errors)));
        return true;
    }

    /// <summary>
    /// Reaps the child if it has exited (or another reaper took it: its exit code is then lost), else false: not
    /// exited yet (only without <paramref name="wait"/>), or a signal interrupted the wait. Without
    /// <paramref name="wait"/> it never blocks: the shared reaping thread must not wait for one child, and the
    /// fallback's thread looks for the exit between reads of the output.
    /// </summary>
    internal bool TryCollect(bool wait = false)
    {
        var info = stackalloc byte[SignalInfoSize];
        new Span<byte>(info, SignalInfoSize).Clear();
        // WNOWAIT: the status stays for Collect, which takes it under the lock.
        if (PosixSpawn.WaitId(IdPid, Id, info, Exited | NoWait | (wait ? 0 : NoHang)) != 0)
        {
            if (Marshal.GetLastPInvokeError() == PosixSpawn.EINTR)
            {
                return false;
            }
        }
        else if (*(int*)(info + SignalInfoPid) != Id)
        {
            return false;
        }
        Collect();
        return true;
    }

    /// <summary>Reaps the exited child under the lock, so <see cref="KillAll"/> never hits a reused pid.</summary>
    private void Collect()
    {
        lock (_gate)
        {
            int rc, status;
            while ((rc = PosixSpawn.WaitPid(Id, out status, 0)) < 0 && Marshal.GetLastPInvokeError() == PosixSpawn.EINTR)
            {
            }
            _reaped = true;
            _code = rc == Id ? Decode(status) : null;
        }
        _exited = true;
    }

    // <sys/wait.h>: low 7 bits the signal that ended it (0: a normal exit), the exit code in the next byte.
    private static int Decode(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    private static void CloseIfOpen(int fd)
    {
        if (fd >= 0)
        {
            _ = PosixSpawn.Close(fd);
        }
    }
}
