using Microsoft.Win32.SafeHandles;

namespace ScanJail.Core.Sources;

/// <summary>
/// Which file a path or an open handle refers to: device and inode. Rotation is seen as the path
/// naming another identity than the handle being read.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    /// <summary>The identity of what <paramref name="path"/> names now (following symlinks), or the errno why not.</summary>
    public static bool TryOfPath(string path, out FileIdentity identity, out int errno)
    {
        var result = NativeStat.OfPath(path, out var buffer, out errno);
        identity = new FileIdentity(buffer.Device, buffer.Inode);
        return result;
    }

    /// <summary>The identity of an open file; this one cannot race with a rename.</summary>
    public static FileIdentity Of(SafeFileHandle handle)
    {
        if (!NativeStat.OfHandle(handle, out var buffer, out var errno))
        {
            throw new IOException($"fstat failed with errno {errno}");
        }

        return new FileIdentity(buffer.Device, buffer.Inode);
    }

    /// <summary>errno values that mean "there is no such file (yet)", as opposed to a real error.</summary>
    public static bool IsMissing(int errno) => errno is NativeStat.ENOENT or NativeStat.ENOTDIR;
}
