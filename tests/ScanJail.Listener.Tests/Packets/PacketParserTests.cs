using System.Buffers.Binary;
using System.Net;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Packets;

namespace ScanJail.Listener.Tests.Packets;

public sealed class PacketParserTests
{
    [Theory]
    [InlineData(0x02, ProbeKind.Syn)]
    [InlineData(0xC2, ProbeKind.Syn)]
    [InlineData(0x01, ProbeKind.Fin)]
    [InlineData(0x00, ProbeKind.Null)]
    [InlineData(0x29, ProbeKind.Xmas)]
    [InlineData(0x03, ProbeKind.Other)]
    [InlineData(0x12, ProbeKind.Reply)]
    [InlineData(0x04, ProbeKind.Reply)]
    [InlineData(0x10, ProbeKind.Reply)]
    public void Tcp_flags_are_classified(byte flags, ProbeKind kind) => Assert.Equal(kind, TcpFlags.Classify(flags));

    [Fact]
    public void Any_packet_with_ack_or_rst_is_a_reply_never_a_probe() =>
        Prop.ForAll(Gen.Choose(0, 255).ToArbitrary(), f =>
            ((f & (TcpFlags.Ack | TcpFlags.Rst)) != 0) == (TcpFlags.Classify((byte)f) == ProbeKind.Reply)).QuickCheckThrowOnFailure();

    [Fact]
    public void An_ipv4_tcp_packet_with_options_in_its_header_is_read()
    {
        var packet = new byte[24 + 20];
        packet[0] = 0x46; // version 4, header 24 bytes (one option word)
        packet[9] = 6;
        IPAddress.Parse("192.0.2.2").GetAddressBytes().CopyTo(packet, 12);
        IPAddress.Parse("192.0.2.1").GetAddressBytes().CopyTo(packet, 16);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(24), 51234);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(26), 22);
        packet[24 + 13] = TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg;
        var probe = PacketParser.ParseIpv4(packet, ListenMode.Atcp);
        Assert.Equal(new Probe(IPAddress.Parse("192.0.2.2"), 51234, IPAddress.Parse("192.0.2.1"), 22, true, ProbeKind.Xmas, ListenMode.Atcp), probe);
        Assert.Null(PacketParser.ParseIpv4(packet.AsSpan(0, 30), ListenMode.Atcp));
    }

    [Fact]
    public void An_ipv6_udp_payload_takes_its_source_from_the_socket()
    {
        var datagram = new byte[8];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, 5000);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), 161);
        var probe = PacketParser.ParseIpv6(datagram, IPAddress.Parse("2001:db8::2"), tcp: false, ListenMode.Audp);
        Assert.Equal((161, ProbeKind.Udp, false), (probe!.DestinationPort, probe.Kind, probe.Tcp));
        Assert.Null(probe.Destination);
    }

    [Fact]
    public void Random_bytes_never_throw() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i)).ToArbitrary(), bytes =>
        {
            _ = PacketParser.ParseIpv4(bytes, ListenMode.Atcp);
            _ = PacketParser.ParseIpv6(bytes, IPAddress.IPv6Loopback, bytes.Length % 2 == 0, ListenMode.Atcp);
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Port_ranges_name_exactly_the_ports_given() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(1, 65535)).ToArbitrary(), ports =>
        {
            var back = PortRanges.Chunks(ports, 50).SelectMany(chunk =>
            {
                var set = new PortSet();
                return set.TryAdd(chunk) ? set.Ports() : [-1];
            });
            return back.SequenceEqual(ports.Distinct().Order());
        }).QuickCheckThrowOnFailure();
}
