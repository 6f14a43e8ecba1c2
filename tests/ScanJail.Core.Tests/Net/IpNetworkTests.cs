using System.Net;
using ScanJail.Core.Net;

namespace ScanJail.Core.Tests.Net;

public sealed class IpNetworkTests
{
    [Theory]
    [InlineData("192.0.2.0/24", "192.0.2.0/24")]
    [InlineData("192.0.2.77/24", "192.0.2.0/24")]
    [InlineData("203.0.113.9", "203.0.113.9/32")]
    [InlineData(" 10.0.0.0/8 ", "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("255.255.255.255/0", "0.0.0.0/0")]
    [InlineData("10.1.2.3/32", "10.1.2.3/32")]
    [InlineData("10.255.255.255/9", "10.128.0.0/9")]
    [InlineData("2001:db8::/32", "2001:db8::/32")]
    [InlineData("2001:db8:ffff::1/32", "2001:db8::/32")]
    [InlineData("::1", "::1/128")]
    [InlineData("[2001:db8::1]", "2001:db8::1/128")]
    [InlineData("::/0", "::/0")]
    [InlineData("2001:db8::1/128", "2001:db8::1/128")]
    [InlineData("2001:db8::ff/127", "2001:db8::fe/127")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1/32")]
    [InlineData("::ffff:192.0.2.0/120", "192.0.2.0/24")]
    [InlineData("::ffff:0:0/96", "0.0.0.0/0")]
    [InlineData("::ffff:192.0.2.9/128", "192.0.2.9/32")]
    public void Parses_and_masks_host_bits(string text, string expected)
    {
        Assert.True(IpNetwork.TryParse(text, out var network));
        Assert.Equal(expected, network!.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/24")]
    [InlineData("192.0.2.0/")]
    [InlineData("192.0.2.0/33")]
    [InlineData("192.0.2.0/-1")]
    [InlineData("192.0.2.0/+8")]
    [InlineData("192.0.2.0/ 8")]
    [InlineData("192.0.2.0/8/8")]
    [InlineData("192.0.2.0/0x8")]
    [InlineData("192.0.2.0/1000")]
    [InlineData("192.0.2/24")]
    [InlineData("10.1")]
    [InlineData("010.0.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("2001:db8::/129")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("::ffff:192.0.2.0/95")]
    [InlineData("example.com")]
    [InlineData("example.com/24")]
    [InlineData("192.0.2.0/24 extra")]
    public void Rejects_garbage(string? text)
    {
        Assert.False(IpNetwork.TryParse(text, out var network));
        Assert.Null(network);
    }

    [Theory]
    [InlineData("192.0.2.0/24", "192.0.2.0", true)]
    [InlineData("192.0.2.0/24", "192.0.2.255", true)]
    [InlineData("192.0.2.0/24", "192.0.3.0", false)]
    [InlineData("192.0.2.0/23", "192.0.3.200", true)]
    [InlineData("10.0.0.0/9", "10.127.255.255", true)]
    [InlineData("10.0.0.0/9", "10.128.0.0", false)]
    [InlineData("0.0.0.0/0", "198.51.100.7", true)]
    [InlineData("198.51.100.7/32", "198.51.100.7", true)]
    [InlineData("198.51.100.7/32", "198.51.100.6", false)]
    [InlineData("2001:db8::/32", "2001:db8:1234::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("::1", "::1", true)]
    [InlineData("::1", "::2", false)]
    [InlineData("2001:db8::fe/127", "2001:db8::ff", true)]
    [InlineData("2001:db8::fe/127", "2001:db8::100", false)]
    // One host, one key: a mapped address is the IPv4 address, on either side.
    [InlineData("192.0.2.0/24", "::ffff:192.0.2.9", true)]
    [InlineData("::ffff:192.0.2.0/120", "192.0.2.9", true)]
    // Families never mix otherwise, not even for the everything-blocks.
    [InlineData("::/0", "192.0.2.1", false)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("127.0.0.0/8", "::1", false)]
    public void Contains_addresses_inside_the_block_only(string network, string address, bool expected)
    {
        Assert.True(IpNetwork.TryParse(network, out var block));
        Assert.Equal(expected, block!.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void Equal_blocks_written_differently_are_equal_records()
    {
        Assert.True(IpNetwork.TryParse("192.0.2.99/24", out var a));
        Assert.True(IpNetwork.TryParse("::ffff:192.0.2.0/120", out var b));
        Assert.Equal(a, b);
    }
}
