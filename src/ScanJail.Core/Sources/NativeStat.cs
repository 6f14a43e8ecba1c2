using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ScanJail.Core.Sources;

/// <summary>
/// stat/fstat from libc, because .NET exposes no device or inode number. Only st_dev and st_ino are
/// read: they are the first two 64-bit fields on both x86_64 and aarch64 glibc (and musl); the rest
/// of struct stat (144 bytes on x86_64, 128 on aarch64) lands in the padding of a 256-byte buffer.
/// glibc before 2.33 exports only __xstat/__fxstat; that case falls back once.
/// </summary>
internal static partial class NativeStat
{
    public const int ENOENT = 2;
    public const int ENOTDIR = 20;

    private static bool _legacy;

    public static bool OfPath(string path, out StatBuffer buffer, out int errno)
    {
        int rc;
        if (!_legacy)
        {
            try
            {
                rc = Stat(path, out buffer);
                errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
                return rc == 0;
            }
            catch (EntryPointNotFoundException)
            {
                _legacy = true;
            }
        }

        rc = XStat(StatVersion, path, out buffer);
        errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
        return rc == 0;
    }

    public static bool OfHandle(SafeFileHandle handle, out StatBuffer buffer, out int errno)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            int rc;
            if (!_legacy)
            {
                try
                {
                    rc = FStat(fd, out buffer);
                    errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
                    return rc == 0;
                }
                catch (EntryPointNotFoundException)
                {
                    _legacy = true;
                }
            }

            rc = FXStat(StatVersion, fd, out buffer);
            errno = rc == 0 ? 0 : Marshal.GetLastPInvokeError();
            return rc == 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // _STAT_VER for the legacy glibc entry points: 1 on x86_64, 0 on the generic ABI (aarch64).
    private static int StatVersion => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 1 : 0;

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, out StatBuffer buffer);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(int fd, out StatBuffer buffer);

    [LibraryImport("libc", EntryPoint = "__xstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int XStat(int version, string path, out StatBuffer buffer);

    [LibraryImport("libc", EntryPoint = "__fxstat", SetLastError = true)]
    private static partial int FXStat(int version, int fd, out StatBuffer buffer);
}
