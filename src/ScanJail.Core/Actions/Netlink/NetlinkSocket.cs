using System.Runtime.InteropServices;

namespace ScanJail.Core.Actions.Netlink;

/// <summary>
/// An <c>AF_NETLINK</c> / <c>NETLINK_NETFILTER</c> socket to the kernel (.NET's <c>Socket</c> has no netlink
/// family). It belongs to the network namespace of the thread that created it, for as long as it lives:
/// the engine's own namespace, or a test's (created on a thread that entered it with setns).
/// Not thread-safe: one action's queue loop uses it.
/// </summary>
internal sealed partial class NetlinkSocket : IDisposable
{
    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int NetlinkNetfilter = 12;
    private const int SolSocket = 1;
    private const int SoRcvtimeo = 20;
    private const int SoSndbufforce = 32;
    private const int SoRcvbufforce = 33;
    private const int SolNetlink = 270;
    private const int NetlinkCapAck = 10;
    private const int Eintr = 4;
    private const int Eagain = 11;

    private int _fd;

    private NetlinkSocket(int fd) => _fd = fd;

    /// <summary>Opens a socket in the calling thread's network namespace; <paramref name="receiveTimeout"/> bounds every read.</summary>
    public static NetlinkSocket Open(TimeSpan receiveTimeout)
    {
        var fd = Socket(AfNetlink, SockRaw | SockCloexec, NetlinkNetfilter);
        if (fd < 0)
        {
            throw new IOException($"netlink socket: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        var socket = new NetlinkSocket(fd);
        // Room for a batch of bans and for the kernel's answers (the *FORCE options need root; the default is enough otherwise).
        socket.SetInt(SolSocket, SoSndbufforce, 1 << 20);
        socket.SetInt(SolSocket, SoRcvbufforce, 1 << 20);
        // An error answer then carries only the failed message's header, not the whole message back.
        socket.SetInt(SolNetlink, NetlinkCapAck, 1);
        Span<long> timeval = [(long)receiveTimeout.TotalSeconds, receiveTimeout.Microseconds + receiveTimeout.Milliseconds * 1000L];
        unsafe
        {
            fixed (long* tv = timeval)
            {
                if (SetSockOpt(fd, SolSocket, SoRcvtimeo, tv, sizeof(long) * 2) != 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    socket.Dispose();
                    throw new IOException($"netlink receive timeout: {Marshal.GetPInvokeErrorMessage(error)}");
                }
            }
        }
        return socket;
    }

    /// <summary>Sends one datagram (a whole batch) to the kernel.</summary>
    public void Send(ReadOnlySpan<byte> message)
    {
        while (true)
        {
            nint sent;
            unsafe
            {
                fixed (byte* p = message)
                {
                    sent = SendRaw(Fd, p, message.Length, 0);
                }
            }
            if (sent >= 0)
            {
                return;
            }
            var error = Marshal.GetLastPInvokeError();
            if (error != Eintr)
            {
                throw new IOException($"netlink send: {Marshal.GetPInvokeErrorMessage(error)}");
            }
        }
    }

    /// <summary>Receives one datagram into <paramref name="buffer"/>; its length, or -1 when the read timed out.</summary>
    public int Receive(Span<byte> buffer)
    {
        while (true)
        {
            nint received;
            unsafe
            {
                fixed (byte* p = buffer)
                {
                    received = Recv(Fd, p, buffer.Length, 0);
                }
            }
            if (received >= 0)
            {
                return (int)received;
            }
            var error = Marshal.GetLastPInvokeError();
            if (error == Eagain)
            {
                return -1;
            }
            if (error != Eintr)
            {
                throw new IOException($"netlink receive: {Marshal.GetPInvokeErrorMessage(error)}");
            }
        }
    }

    private int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(NetlinkSocket));

    private void SetInt(int level, int name, int value)
    {
        unsafe
        {
            // Best effort: a smaller buffer or an uncapped error answer still works.
            _ = SetSockOpt(_fd, level, name, &value, sizeof(int));
        }
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static unsafe partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint SendRaw(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
