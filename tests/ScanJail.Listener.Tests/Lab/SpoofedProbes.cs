using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// Hand-made IPv4 probes with any source address, sent from the scanner namespace through an
/// <c>IPPROTO_RAW</c> socket (IP_HDRINCL: the test writes the IP header; the kernel fills in the
/// IP checksum and ID). nmap's <c>-S</c> refuses a source it has no route from, so the test forges
/// the packets itself. They go only to the victim's address, over the lab's veth pair.
/// </summary>
public sealed class SpoofedProbes : IDisposable
{
    private readonly Socket _socket;
    private readonly IPAddress _victim;

    public SpoofedProbes(LabNetwork lab)
    {
        _victim = IPAddress.Parse(LabNetwork.VictimV4);
        _socket = NetNamespace.Inside(lab.Scanner, () => new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw));
    }

    public void Syn(IPAddress source, int sourcePort, int port) => _socket.SendTo(Packet(source, sourcePort, port, tcp: true), new IPEndPoint(_victim, 0));

    public void Udp(IPAddress source, int sourcePort, int port) => _socket.SendTo(Packet(source, sourcePort, port, tcp: false), new IPEndPoint(_victim, 0));

    private byte[] Packet(IPAddress source, int sourcePort, int port, bool tcp)
    {
        var transport = tcp ? 20 : 8;
        var packet = new byte[20 + transport];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), 0x4000);
        packet[8] = 64;
        packet[9] = (byte)(tcp ? 6 : 17);
        source.GetAddressBytes().CopyTo(packet, 12);
        _victim.GetAddressBytes().CopyTo(packet, 16);
        var segment = packet.AsSpan(20);
        BinaryPrimitives.WriteUInt16BigEndian(segment, (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment[2..], (ushort)port);
        if (tcp)
        {
            BinaryPrimitives.WriteUInt32BigEndian(segment[4..], (uint)Random.Shared.Next());
            segment[12] = 0x50;
            segment[13] = 0x02; // SYN
            BinaryPrimitives.WriteUInt16BigEndian(segment[14..], 1024);
            BinaryPrimitives.WriteUInt16BigEndian(segment[16..], Checksum(packet, 6, segment));
        }
        else
        {
            // A UDP checksum of 0 means "none" over IPv4.
            BinaryPrimitives.WriteUInt16BigEndian(segment[4..], (ushort)transport);
        }
        return packet;
    }

    /// <summary>The TCP checksum: one's complement sum over the pseudo header (addresses, protocol, length) and the segment.</summary>
    private static ushort Checksum(byte[] packet, int protocol, ReadOnlySpan<byte> segment)
    {
        long sum = protocol + segment.Length;
        for (var i = 12; i < 20; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(i));
        }
        for (var i = 0; i + 1 < segment.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(segment[i..]);
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    public void Dispose() => _socket.Dispose();
}
