using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ScanJail.Daemon.Control;

/// <summary>Who is at the other end of a unix socket, as the kernel vouches for it (SO_PEERCRED).</summary>
public readonly record struct PeerCredentials(int ProcessId, uint UserId, uint GroupId)
{
    public bool IsRoot => UserId == 0;

    /// <returns>null when the kernel would not tell (then the peer is treated as unprivileged).</returns>
    public static PeerCredentials? Read(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var credentials = default(UnixCredentials);
        var length = (uint)Marshal.SizeOf<UnixCredentials>();
        if (NativeMethods.GetSocketOption(socket.SafeHandle, NativeMethods.SolSocket, NativeMethods.SoPeerCred, ref credentials, ref length) != 0
            || length != (uint)Marshal.SizeOf<UnixCredentials>())
        {
            return null;
        }
        return new PeerCredentials(credentials.Pid, credentials.Uid, credentials.Gid);
    }
}
