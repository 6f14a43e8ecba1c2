using System.Runtime.InteropServices;

namespace ScanJail.Core.Actions;

/// <summary>
/// libc's <c>posix_spawn</c>, <c>pipe2</c>, <c>open</c>, <c>read</c>, <c>fcntl</c>, <c>poll</c>, <c>waitpid</c> and
/// <c>kill</c>, for <see cref="ChildProcess"/>.
/// glibc's posix_spawn is a <c>clone(CLONE_VM|CLONE_VFORK)</c> and an <c>execve</c>, and reports a
/// failed exec (missing program, no permission) as its return value. The opaque attribute and file
/// action structures (336 and 80 bytes on x86_64 and aarch64 glibc) get 1 KB each, zeroed, and
/// are only ever touched through their libc functions.
/// </summary>
internal static unsafe partial class PosixSpawn
{
    public const int EINTR = 4;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;
    public const int SIGKILL = 9;

    // <spawn.h> flags and <fcntl.h> O_CLOEXEC, the same on every Linux architecture glibc supports here.
    public const short SetProcessGroup = 0x02;
    public const short SetSignalDefaults = 0x04;
    public const short SetSignalMask = 0x08;
    public const int CloseOnExec = 0x80000;
    public const int NonBlocking = 0x800;
    public const int SetStatusFlags = 4; // F_SETFL
    public const short PollIn = 0x001;

    public const int OpaqueSize = 1024;

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    public static partial int Spawn(out int pid, byte* path, byte* fileActions, byte* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(byte* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(byte* fileActions, int fd, int newFd);

    // glibc 2.34 and later (Debian 12 has 2.36): closes every descriptor from fd up in the child, before the exec.
    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    public static partial int FileActionsAddCloseFrom(byte* fileActions, int fd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(byte* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int AttributesInit(byte* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttributesSetFlags(byte* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setpgroup")]
    public static partial int AttributesSetProcessGroup(byte* attributes, int processGroup);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttributesSetSignalMask(byte* attributes, byte* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttributesSetSignalDefaults(byte* attributes, byte* signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttributesDestroy(byte* attributes);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    public static partial int SignalsEmpty(byte* signals);

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    public static partial int SignalsFill(byte* signals);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    // fcntl is variadic; its third argument, an int, is passed as a fixed one is on every Linux ABI glibc supports.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    /// <summary><c>poll</c> over <paramref name="count"/> struct pollfd (int fd, short events, short revents).</summary>
    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(byte* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport("libc", EntryPoint = "waitid", SetLastError = true)]
    public static partial int WaitId(int idType, int id, byte* info, int options);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
