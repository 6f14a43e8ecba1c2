using System.Buffers.Binary;
using System.Net;
using ScanJail.Listener.Configuration;

namespace ScanJail.Listener.Packets;

/// <summary>
/// Reads what a raw socket delivers. IPv4: the packet with its IP header. IPv6: only the TCP or
/// UDP header and payload (the kernel strips the IPv6 header), the source address coming from
/// <c>ReceiveFrom</c>. Truncated or malformed packets give null; nothing here throws.
/// </summary>
public static class PacketParser
{
    private const int ProtocolTcp = 6;
    private const int ProtocolUdp = 17;

    public static Probe? ParseIpv4(ReadOnlySpan<byte> packet, ListenMode mode)
    {
        if (packet.Length < 20 || packet[0] >> 4 != 4)
        {
            return null;
        }
        var headerLength = (packet[0] & 0x0F) * 4;
        if (headerLength < 20 || packet.Length < headerLength)
        {
            return null;
        }
        // A fragment after the first carries no TCP/UDP header: skip it.
        var fragmentOffset = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1FFF;
        if (fragmentOffset != 0)
        {
            return null;
        }
        var protocol = packet[9];
        var source = new IPAddress(packet.Slice(12, 4));
        var destination = new IPAddress(packet.Slice(16, 4));
        return protocol switch
        {
            ProtocolTcp => ParseTcp(packet[headerLength..], source, destination, mode),
            ProtocolUdp => ParseUdp(packet[headerLength..], source, destination, mode),
            _ => null,
        };
    }

    public static Probe? ParseIpv6(ReadOnlySpan<byte> payload, IPAddress source, bool tcp, ListenMode mode) =>
        tcp ? ParseTcp(payload, source, null, mode) : ParseUdp(payload, source, null, mode);

    private static Probe? ParseTcp(ReadOnlySpan<byte> segment, IPAddress source, IPAddress? destination, ListenMode mode)
    {
        if (segment.Length < 20)
        {
            return null;
        }
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(segment);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
        var kind = TcpFlags.Classify(segment[13]);
        return new Probe(source, sourcePort, destination, destinationPort, Tcp: true, kind, mode);
    }

    private static Probe? ParseUdp(ReadOnlySpan<byte> datagram, IPAddress source, IPAddress? destination, ListenMode mode)
    {
        if (datagram.Length < 8)
        {
            return null;
        }
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        return new Probe(source, sourcePort, destination, destinationPort, Tcp: false, ProbeKind.Udp, mode);
    }

    /// <summary>
    /// A datagram this host sent, as an <c>AF_PACKET</c> socket shows it (from the IP header on):
    /// its source port is the local port, its destination the peer. Null for anything else.
    /// </summary>
    public static Host.UdpFlow? ParseOutgoingUdp(ReadOnlySpan<byte> packet)
    {
        if (packet.Length >= 20 && packet[0] >> 4 == 4)
        {
            var headerLength = (packet[0] & 0x0F) * 4;
            if (headerLength < 20 || packet.Length < headerLength + 8 || packet[9] != ProtocolUdp
                || (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1FFF) != 0)
            {
                return null;
            }
            var udp = packet[headerLength..];
            return new Host.UdpFlow(BinaryPrimitives.ReadUInt16BigEndian(udp), new IPAddress(packet.Slice(16, 4)), BinaryPrimitives.ReadUInt16BigEndian(udp[2..]));
        }
        // IPv6 with UDP right after the fixed header (extension headers are not followed).
        if (packet.Length >= 48 && packet[0] >> 4 == 6 && packet[6] == ProtocolUdp)
        {
            var udp = packet[40..];
            return new Host.UdpFlow(BinaryPrimitives.ReadUInt16BigEndian(udp), new IPAddress(packet.Slice(24, 16)), BinaryPrimitives.ReadUInt16BigEndian(udp[2..]));
        }
        return null;
    }
}
