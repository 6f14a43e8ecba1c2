using System.Net;
using System.Net.Sockets;

namespace ScanJail.Core.Syslog;

/// <summary>
/// Sends syslog messages to one <see cref="SyslogTarget"/>, reconnecting when the daemon restarts
/// (a closed <c>/dev/log</c>, a reset TCP connection). A message that cannot be sent after one
/// reconnect is counted in <see cref="Lost"/>, never thrown: the sensor must keep running.
/// Not thread-safe: one writer loop owns it.
/// </summary>
public sealed class SyslogWriter : IDisposable
{
    private readonly SyslogTarget _target;
    private readonly SyslogMessageFormatter _formatter;
    private readonly TimeProvider _time;
    private Socket? _socket;

    public SyslogWriter(SyslogTarget target, SyslogMessageFormatter formatter, TimeProvider time)
    {
        _target = target;
        _formatter = formatter;
        _time = time;
    }

    public SyslogTarget Target => _target;

    /// <summary>Messages that could not be delivered.</summary>
    public long Lost { get; private set; }

    /// <summary>Messages handed to the transport.</summary>
    public long Sent { get; private set; }

    /// <summary>Why the last send failed, for the program's own log; empty when none did.</summary>
    public string LastError { get; private set; } = "";

    public void Write(SyslogSeverity severity, string message)
    {
        var bytes = _formatter.Format(_target.Transport, severity, message, _time.GetUtcNow());
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                _socket ??= Connect();
                Send(_socket, bytes);
                Sent++;
                return;
            }
            catch (SocketException e)
            {
                LastError = e.Message;
                _socket?.Dispose();
                _socket = null;
            }
            catch (ObjectDisposedException e)
            {
                LastError = e.Message;
                _socket = null;
            }
        }
        Lost++;
    }

    /// <summary>
    /// Sends at once without ever waiting, for a datagram target (a receiver on this host): true when the
    /// message went out. False (nothing sent, nothing counted) for a stream target, when the receiver's
    /// queue is full, or on any error; the caller then hands the message to <see cref="Write"/>, which
    /// waits, reconnects and counts.
    /// </summary>
    public bool TryWriteNow(SyslogSeverity severity, string message)
    {
        if (_target.Transport == SyslogTransport.Tcp)
        {
            return false;
        }
        try
        {
            _socket ??= Connect();
            var bytes = _formatter.Format(_target.Transport, severity, message, _time.GetUtcNow());
            _socket.Blocking = false;
            try
            {
                _socket.Send(bytes, SocketFlags.None);
            }
            finally
            {
                _socket.Blocking = true;
            }
            Sent++;
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static void Send(Socket socket, byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
            if (socket.SocketType == SocketType.Dgram)
            {
                return;
            }
        }
    }

    private Socket Connect()
    {
        if (_target.Transport == SyslogTransport.Unix)
        {
            var unix = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            try
            {
                unix.Connect(new UnixDomainSocketEndPoint(_target.Path));
                return unix;
            }
            catch
            {
                unix.Dispose();
                throw;
            }
        }
        var address = IPAddress.TryParse(_target.Host, out var literal)
            ? literal
            : Dns.GetHostAddresses(_target.Host).FirstOrDefault()
              ?? throw new SocketException((int)SocketError.HostNotFound);
        var socket = _target.Transport == SyslogTransport.Udp
            ? new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendTimeout = 5000 };
        try
        {
            socket.Connect(new IPEndPoint(address, _target.Port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _socket = null;
    }
}
