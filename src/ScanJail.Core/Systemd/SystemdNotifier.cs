using System.Net.Sockets;
using System.Text;

namespace ScanJail.Core.Systemd;

/// <summary>
/// sd_notify without libsystemd: one datagram to the unix socket systemd names in
/// <c>$NOTIFY_SOCKET</c> (a path, or an abstract name written with a leading '@'). Nothing happens
/// when the variable is unset, so the engine and the listener run the same outside systemd.
/// </summary>
public static class SystemdNotifier
{
    /// <summary>Sends <paramref name="state"/> (such as <c>READY=1</c>); returns false when there is no socket or it cannot be reached.</summary>
    public static bool Notify(string state)
    {
        var target = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(target))
        {
            return false;
        }
        if (target[0] == '@')
        {
            target = "\0" + target[1..];
        }
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(target));
            socket.Send(Encoding.UTF8.GetBytes(state));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
