using System.Runtime.InteropServices;

namespace ScanJail.Core.Sources;

/// <summary>inotify, eventfd and poll from libc, for <see cref="DirectoryWatchers"/>. The constants are the same on every Linux architecture.</summary>
internal static unsafe partial class Inotify
{
    public const uint Modify = 0x2;
    public const uint Attributes = 0x4;
    public const uint MovedFrom = 0x40;
    public const uint MovedTo = 0x80;
    public const uint Create = 0x100;
    public const uint Delete = 0x200;
    public const uint DeleteSelf = 0x400;
    public const uint MoveSelf = 0x800;
    public const uint Overflow = 0x4000;
    public const uint Ignored = 0x8000;
    public const uint OnlyDirectories = 0x01000000;
    public const uint ExcludeUnlinked = 0x04000000;

    /// <summary>What a followed file's directory is watched for: names coming and going, and writes.</summary>
    public const uint Watched = Modify | Attributes | MovedFrom | MovedTo | Create | Delete | DeleteSelf | MoveSelf | OnlyDirectories | ExcludeUnlinked;

    /// <summary>Events that change which files exist under a name (the glob is expanded again).</summary>
    public const uint Structural = MovedFrom | MovedTo | Create | Delete | DeleteSelf | MoveSelf | Overflow | Ignored;

    public const int CloseOnExec = 0x80000;
    public const int NonBlocking = 0x800;
    public const short PollIn = 0x1;
    public const int EINTR = 4;
    public const int EAGAIN = 11;

    /// <summary>struct inotify_event: wd, mask, cookie, len, then len bytes of NUL-padded name.</summary>
    public const int EventHeader = 16;

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int Init(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int AddWatch(int fd, string path, uint mask);

    [LibraryImport("libc", EntryPoint = "inotify_rm_watch", SetLastError = true)]
    public static partial int RemoveWatch(int fd, int watch);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Returned;
    }
}
