using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>A real UDP syslog receiver at 127.0.0.1:PORT inside a namespace; keeps every datagram as one line.</summary>
public sealed class SyslogReceiver : IDisposable
{
    private readonly Socket _socket;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Thread _thread;

    public SyslogReceiver(string ns, int port)
    {
        Port = port;
        _socket = NetNamespace.Inside(ns, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 * 1024 * 1024 };
            s.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return s;
        });
        _thread = new Thread(Loop) { IsBackground = true };
        _thread.Start();
    }

    public int Port { get; }

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The syslog message after the RFC 5424 header (<c>attackalert: ...</c>, <c>adminalert: ...</c>).</summary>
    public IReadOnlyList<string> Messages => [.. Lines.Select(MessageOf)];

    public static string MessageOf(string line)
    {
        var at = line.IndexOf(" - - ", StringComparison.Ordinal);
        return at < 0 ? line : line[(at + 5)..];
    }

    private void Loop()
    {
        var buffer = new byte[65536];
        while (true)
        {
            try
            {
                var n = _socket.Receive(buffer);
                _lines.Enqueue(Encoding.UTF8.GetString(buffer, 0, n));
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
