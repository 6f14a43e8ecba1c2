using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ScanJail.Daemon.Control;

/// <summary>The few libc calls .NET does not wrap: peer credentials, group lookup, chown.</summary>
internal static partial class NativeMethods
{
    public const int SolSocket = 1;
    public const int SoPeerCred = 17;

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSocketOption(SafeSocketHandle socket, int level, int option, ref UnixCredentials value, ref uint length);

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int ChangeOwner(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial IntPtr GetGroupByName(string name);

    /// <summary>The gid of a group name through NSS (files, LDAP, ...), or null when there is no such group.</summary>
    public static uint? LookUpGroup(string name)
    {
        var entry = GetGroupByName(name);
        if (entry == IntPtr.Zero)
        {
            return null;
        }
        // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; char **gr_mem; }
        return (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
    }
}
