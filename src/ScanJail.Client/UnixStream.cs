using System.Runtime.InteropServices;
using System.Text;

namespace ScanJail.Client;

/// <summary>
/// A connected unix stream socket through the C library's own calls. The client is a short-lived process, and
/// <see cref="System.Net.Sockets.Socket"/>'s first use (its assembly, its tables, its telemetry) cost about 25 ms
/// of CPU, a fifth of a whole <c>status</c>; these five calls cost nothing measurable.
/// </summary>
internal sealed partial class UnixStream : IDisposable
{
    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int SoRcvtimeo = 20;
    private const int SoSndtimeo = 21;
    private const int MsgNosignal = 0x4000;
    private const int PathCapacity = 108; // sockaddr_un.sun_path

    private const int Eintr = 4;
    private const int Eagain = 11;
    private const int Enoent = 2;
    private const int Eperm = 1;
    private const int Eacces = 13;

    private int _fd;

    private UnixStream(int fd) => _fd = fd;

    /// <summary>Connects to the socket at <paramref name="path"/>; each later send and receive waits at most <paramref name="timeout"/>.</summary>
    /// <exception cref="EngineUnavailableException">Nothing listens there.</exception>
    /// <exception cref="UnauthorizedAccessException">The socket exists but this user may not connect to it.</exception>
    public static UnixStream Connect(string path, TimeSpan timeout)
    {
        var address = Address(path);
        var fd = Native.Socket(AfUnix, SockStream | SockCloexec, 0);
        if (fd < 0)
        {
            throw new EngineUnavailableException($"no socket for {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        var stream = new UnixStream(fd);
        try
        {
            int result;
            do
            {
                result = Native.Connect(fd, address, address.Length);
            }
            while (result < 0 && Marshal.GetLastPInvokeError() == Eintr);
            if (result < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error is Eacces or Eperm)
                {
                    throw new UnauthorizedAccessException($"permission denied on {path} (root or the socket's group may connect)");
                }
                var why = error == Enoent || !File.Exists(path) ? "no such socket" : Marshal.GetPInvokeErrorMessage(error);
                throw new EngineUnavailableException($"the engine is not running ({path}: {why})");
            }
            stream.SetTimeout(SoRcvtimeo, timeout);
            stream.SetTimeout(SoSndtimeo, timeout);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Writes all of <paramref name="bytes"/>.</summary>
    /// <exception cref="TimeoutException">The engine took nothing for the whole timeout.</exception>
    /// <exception cref="IOException">The connection broke.</exception>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = Native.Send(_fd, ref MemoryMarshal.GetReference(bytes), bytes.Length, MsgNosignal);
            if (sent < 0)
            {
                Fail();
                continue;
            }
            bytes = bytes[(int)sent..];
        }
    }

    /// <summary>Reads what has come, at least one byte; 0 when the engine closed the connection.</summary>
    /// <exception cref="TimeoutException">Nothing came for the whole timeout.</exception>
    /// <exception cref="IOException">The connection broke.</exception>
    public int Read(Span<byte> buffer)
    {
        while (true)
        {
            var read = Native.Recv(_fd, ref MemoryMarshal.GetReference(buffer), buffer.Length, 0);
            if (read >= 0)
            {
                return (int)read;
            }
            Fail();
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = Native.Close(_fd);
            _fd = -1;
        }
    }

    // Returns when the call was interrupted (to be made again); throws for every other error.
    private static void Fail()
    {
        var error = Marshal.GetLastPInvokeError();
        if (error == Eintr)
        {
            return;
        }
        if (error == Eagain)
        {
            throw new TimeoutException();
        }
        throw new IOException(Marshal.GetPInvokeErrorMessage(error));
    }

    private void SetTimeout(int option, TimeSpan timeout)
    {
        // struct timeval: seconds and microseconds, two longs on 64-bit Linux.
        Span<long> value = [(long)timeout.TotalSeconds, timeout.Microseconds + (timeout.Milliseconds * 1000L)];
        if (Native.SetSockOpt(_fd, SolSocket, option, ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(value)), sizeof(long) * 2) < 0)
        {
            throw new IOException(Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }
    }

    // struct sockaddr_un: the family, then the path's bytes and a terminating zero.
    private static byte[] Address(string path)
    {
        var length = Encoding.UTF8.GetByteCount(path);
        if (length >= PathCapacity)
        {
            throw new EngineUnavailableException($"the socket path is longer than {PathCapacity - 1} bytes: {path}");
        }
        var address = new byte[sizeof(ushort) + length + 1];
        BitConverter.TryWriteBytes(address, (ushort)AfUnix);
        Encoding.UTF8.GetBytes(path, address.AsSpan(sizeof(ushort)));
        return address;
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
        internal static partial int Socket(int domain, int type, int protocol);

        [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
        internal static partial int Connect(int fd, byte[] address, int length);

        [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
        internal static partial int SetSockOpt(int fd, int level, int option, ref byte value, int length);

        [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
        internal static partial nint Send(int fd, ref byte buffer, nint length, int flags);

        [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
        internal static partial nint Recv(int fd, ref byte buffer, nint length, int flags);

        [LibraryImport("libc", EntryPoint = "close")]
        internal static partial int Close(int fd);
    }
}
