using System.Net;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Listener.Host;
using ScanJail.Listener.Packets;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Host;

public sealed class UdpFlowTableTests
{
    private static readonly IPAddress Resolver = IPAddress.Parse("192.0.2.53");

    [Fact]
    public void A_flow_is_a_reply_only_from_the_same_peer_address_and_port_to_the_same_local_port()
    {
        var table = new UdpFlowTable(new ManualTimeProvider());
        table.Record(new UdpFlow(40000, Resolver, 53));
        Assert.True(table.Contains(new UdpFlow(40000, Resolver, 53)));
        Assert.False(table.Contains(new UdpFlow(40000, IPAddress.Parse("192.0.2.54"), 53)));
        Assert.False(table.Contains(new UdpFlow(40000, Resolver, 54)));
        Assert.False(table.Contains(new UdpFlow(40001, Resolver, 53)));
    }

    [Fact]
    public void A_flow_is_remembered_for_the_grace_time_after_its_last_datagram()
    {
        var time = new ManualTimeProvider();
        var table = new UdpFlowTable(time, TimeSpan.FromSeconds(60));
        var flow = new UdpFlow(40000, Resolver, 53);
        table.Record(flow);
        time.Advance(TimeSpan.FromSeconds(50));
        table.Record(flow);
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.True(table.Contains(flow));
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(table.Contains(flow));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void The_table_is_bounded_and_forgets_the_least_recently_used_flow_first()
    {
        var table = new UdpFlowTable(new ManualTimeProvider(), capacity: 3);
        UdpFlow F(int port) => new(port, Resolver, 53);
        table.Record(F(1));
        table.Record(F(2));
        table.Record(F(3));
        table.Record(F(1));
        table.Record(F(4));
        Assert.Equal(3, table.Count);
        Assert.Equal(1, table.Evicted);
        Assert.False(table.Contains(F(2)));
        Assert.True(table.Contains(F(1)) && table.Contains(F(3)) && table.Contains(F(4)));
    }

    [Fact]
    public void Outgoing_ipv4_and_ipv6_udp_headers_give_the_local_port_and_the_peer()
    {
        byte[] v4 =
        [
            0x45, 0, 0, 31, 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 53,
            0x9C, 0x40, 0, 53, 0, 11, 0, 0, 1, 2, 3,
        ];
        Assert.Equal(new UdpFlow(40000, Resolver, 53), PacketParser.ParseOutgoingUdp(v4));
        var v6 = new byte[48];
        v6[0] = 0x60;
        v6[6] = 17;
        IPAddress.Parse("fd00:5c::2").GetAddressBytes().CopyTo(v6, 24);
        v6[40] = 0x9C; v6[41] = 0x41; v6[43] = 123;
        Assert.Equal(new UdpFlow(40001, IPAddress.Parse("fd00:5c::2"), 123), PacketParser.ParseOutgoingUdp(v6));
        v4[9] = 6;
        Assert.Null(PacketParser.ParseOutgoingUdp(v4));
        v4[9] = 17;
        v4[7] = 1; // a later fragment carries no UDP header
        Assert.Null(PacketParser.ParseOutgoingUdp(v4));
    }

    [Fact]
    public void Parsing_arbitrary_bytes_never_throws() =>
        Prop.ForAll<byte[]>(bytes => PacketParser.ParseOutgoingUdp(bytes ?? []) is null or { LocalPort: >= 0 and < 65536 }).QuickCheckThrowOnFailure();
}
