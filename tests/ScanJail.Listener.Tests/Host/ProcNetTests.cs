using System.Net;
using ScanJail.Listener.Host;

namespace ScanJail.Listener.Tests.Host;

public sealed class ProcNetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sjl-proc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Default_gateways_and_resolvers_are_read_from_the_kernel_and_resolv_conf_formats()
    {
        File.WriteAllText(Path.Combine(_dir, "route"), """
            Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
            eth0	00000000	010200C0	0003	0	0	0	00000000	0	0	0
            eth0	000200C0	00000000	0001	0	0	0	00FFFFFF	0	0	0
            """);
        File.WriteAllText(Path.Combine(_dir, "ipv6_route"), """
            00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0
            fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
            """);
        var resolv = Path.Combine(_dir, "resolv.conf");
        File.WriteAllText(resolv, "# comment\nsearch example.org\nnameserver 10.255.255.53\nnameserver fe80::1%eth0\n");
        Assert.Equal([IPAddress.Parse("192.0.2.1"), IPAddress.Parse("fe80::1")], ProcNet.DefaultGateways(_dir));
        Assert.Equal([IPAddress.Parse("10.255.255.53"), IPAddress.Parse("fe80::1")], ProcNet.Resolvers(resolv));
    }

    [Fact]
    public void This_hosts_addresses_gateway_and_resolvers_are_always_ignored()
    {
        var ignored = new AlwaysIgnored([]);
        var own = ignored.HostAddresses;
        Assert.NotEmpty(own);
        Assert.All(ProcNet.DefaultGateways().Concat(ProcNet.Resolvers()), a => Assert.True(ignored.Contains(a), $"{a} not ignored"));
        Assert.True(ignored.Contains(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(ignored.Contains(IPAddress.Parse("203.0.113.77")));
    }

    [Fact]
    public void Socket_rows_give_port_state_inode_and_drops()
    {
        var udp = Path.Combine(_dir, "udp");
        File.WriteAllText(udp, """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             1234: 0100007F:158A 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 98765 2 0000000000000000 17
            """);
        var row = Assert.Single(ProcNet.Sockets(udp));
        Assert.Equal(new ProcNet.SocketRow(5514, 7, 98765, 17), row);
    }
}
