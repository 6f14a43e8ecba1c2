using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ScanJail.Listener.Packets;

namespace ScanJail.Listener.Host;

/// <summary>
/// Sees the host's own outgoing UDP datagrams, so that audp can watch the ephemeral port range and
/// still never report the replies to them (DNS, NTP, ...). An <c>AF_PACKET</c> socket on every
/// interface (only such a tap sees packets leaving the host) with a kernel filter that keeps just
/// outgoing IPv4/IPv6 UDP headers; each datagram is remembered in a <see cref="UdpFlowTable"/>.
/// A reply can reach the raw UDP socket before this tap's thread has read the datagram that asked
/// for it, but never before the kernel queued that datagram here (it is queued as it leaves), so
/// <see cref="IsReply"/> first reads everything queued and then looks the flow up.
/// </summary>
public sealed class OutgoingUdpTap : IDisposable
{
    private const int SolSocket = 1;
    private const int SoAttachFilter = 26;
    private const int SoRcvBufForce = 33;
    private const int SolPacket = 263;
    private const int PacketStatistics = 6;
    // htons(ETH_P_ALL): only ETH_P_ALL taps are shown outgoing packets.
    private const ProtocolType AllProtocols = (ProtocolType)0x0300;

    private readonly UdpFlowTable _table;
    private readonly LocalPorts _local;
    private readonly Lock _gate = new();
    private readonly byte[] _buffer = new byte[256];
    private Socket? _socket;
    private long _replies;
    private long _drops;

    public OutgoingUdpTap(TimeProvider time, LocalPorts local)
    {
        _table = new UdpFlowTable(time);
        _local = local;
    }

    /// <summary>Probes recognised as replies to the host's own UDP (not reported).</summary>
    public long Replies => Interlocked.Read(ref _replies);

    /// <summary>Opens the tap (needs CAP_NET_RAW); throws <see cref="SocketException"/> when it cannot.</summary>
    public void Start()
    {
        var socket = new Socket(AddressFamily.Packet, SocketType.Dgram, AllProtocols);
        try
        {
            AttachFilter(socket);
            try
            {
                socket.SetRawSocketOption(SolSocket, SoRcvBufForce, BitConverter.GetBytes(Sensors.RawSensor.ReceiveBuffer));
            }
            catch (SocketException)
            {
                socket.ReceiveBufferSize = Sensors.RawSensor.ReceiveBuffer;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        new Thread(Run) { IsBackground = true, Name = "outgoing UDP tap" }.Start();
    }

    /// <summary>True when <paramref name="source"/>:<paramref name="sourcePort"/> → <paramref name="localPort"/> answers a datagram the host sent within the grace time.</summary>
    public bool IsReply(IPAddress source, int sourcePort, int localPort)
    {
        var flow = new UdpFlow(localPort, AlwaysIgnored.WithoutScope(source), sourcePort);
        lock (_gate)
        {
            Drain();
            if (!_table.Contains(flow))
            {
                return false;
            }
        }
        Interlocked.Increment(ref _replies);
        return true;
    }

    /// <summary>Outgoing datagrams the kernel could not queue here (their replies may be reported), since start.</summary>
    public long KernelDrops()
    {
        lock (_gate)
        {
            try
            {
                // struct tpacket_stats { packets, drops }; the kernel resets it on every read.
                Span<byte> stats = stackalloc byte[8];
                if (_socket?.GetRawSocketOption(SolPacket, PacketStatistics, stats) == 8)
                {
                    _drops += BitConverter.ToUInt32(stats[4..]);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
            return _drops;
        }
    }

    private void Run()
    {
        var socket = _socket!;
        try
        {
            while (true)
            {
                if (socket.Poll(TimeSpan.FromMilliseconds(500), SelectMode.SelectRead))
                {
                    lock (_gate)
                    {
                        Drain();
                    }
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Disposed at shutdown.
        }
    }

    // Caller holds _gate. Reads only what is queued: never blocks.
    private void Drain()
    {
        var socket = _socket!;
        while (socket.Available > 0)
        {
            var length = socket.Receive(_buffer);
            // A port a local service holds is never watched, so its traffic (a DNS server's answers
            // to thousands of clients) need not fill the table.
            if (PacketParser.ParseOutgoingUdp(_buffer.AsSpan(0, length)) is { } flow && !_local.Udp.Contains(flow.LocalPort))
            {
                _table.Record(flow);
            }
        }
    }

    /// <summary>
    /// Classic BPF, run by the kernel on every packet: keep outgoing (PACKET_OUTGOING) IPv4 or IPv6
    /// packets whose protocol is UDP, and only their first 128 bytes; drop everything else.
    /// </summary>
    private static void AttachFilter(Socket socket)
    {
        ulong[] program =
        [
            Insn(0x20, 0, 0, 0xFFFFF004), // 0: A = pkttype (SKF_AD_OFF + SKF_AD_PKTTYPE)
            Insn(0x15, 0, 8, 4),          // 1: PACKET_OUTGOING? else drop
            Insn(0x20, 0, 0, 0xFFFFF000), // 2: A = ethertype (SKF_AD_OFF + SKF_AD_PROTOCOL)
            Insn(0x15, 0, 2, 0x0800),     // 3: IPv4? else 6
            Insn(0x30, 0, 0, 9),          // 4: A = IPv4 protocol byte
            Insn(0x15, 3, 4, 17),         // 5: UDP? accept : drop
            Insn(0x15, 0, 3, 0x86DD),     // 6: IPv6? else drop
            Insn(0x30, 0, 0, 6),          // 7: A = IPv6 next header
            Insn(0x15, 0, 1, 17),         // 8: UDP? else drop
            Insn(0x06, 0, 0, 128),        // 9: accept 128 bytes
            Insn(0x06, 0, 0, 0),          // 10: drop
        ];
        var code = Marshal.AllocHGlobal(program.Length * 8);
        try
        {
            for (var i = 0; i < program.Length; i++)
            {
                Marshal.WriteInt64(code, i * 8, (long)program[i]);
            }
            // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: the kernel copies the program.
            var fprog = new byte[16];
            BitConverter.GetBytes((ushort)program.Length).CopyTo(fprog, 0);
            BitConverter.GetBytes((long)code).CopyTo(fprog, 8);
            socket.SetRawSocketOption(SolSocket, SoAttachFilter, fprog);
        }
        finally
        {
            Marshal.FreeHGlobal(code);
        }
    }

    private static ulong Insn(ushort code, byte jumpTrue, byte jumpFalse, uint k) =>
        code | ((ulong)jumpTrue << 16) | ((ulong)jumpFalse << 24) | ((ulong)k << 32);

    public void Dispose() => _socket?.Dispose();
}
