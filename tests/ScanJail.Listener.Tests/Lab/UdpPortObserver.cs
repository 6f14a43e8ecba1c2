using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// An independent witness in the victim namespace: a raw IPv4 UDP socket of the test's own (8 MiB
/// buffer) that records the destination port of every datagram reaching the victim. A probe lost on
/// the wire (nmap without retries, on a machine loaded by other builds) never reached the listener
/// either; this tells those apart from probes the listener missed.
/// </summary>
public sealed class UdpPortObserver : IDisposable
{
    private readonly Socket _socket;
    private readonly bool[] _seen = new bool[65536];
    private readonly Thread _thread;

    public UdpPortObserver(string ns)
    {
        _socket = NetNamespace.Inside(ns, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Udp);
            s.SetRawSocketOption(1, 33, BitConverter.GetBytes(8 << 20)); // SO_RCVBUFFORCE
            s.Bind(new IPEndPoint(IPAddress.Any, 0));
            return s;
        });
        _thread = new Thread(Loop) { IsBackground = true };
        _thread.Start();
    }

    /// <summary>The ports the scanner's datagrams reached so far.</summary>
    public IReadOnlyList<int> Ports()
    {
        lock (_seen)
        {
            return [.. Enumerable.Range(1, 65535).Where(p => _seen[p])];
        }
    }

    private void Loop()
    {
        var buffer = new byte[65536];
        var scanner = IPAddress.Parse(LabNetwork.ScannerV4).GetAddressBytes();
        while (true)
        {
            int n;
            try
            {
                n = _socket.Receive(buffer);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            var header = (buffer[0] & 0x0F) * 4;
            if (n >= header + 4 && buffer.AsSpan(12, 4).SequenceEqual(scanner))
            {
                lock (_seen)
                {
                    _seen[BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(header + 2))] = true;
                }
            }
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
