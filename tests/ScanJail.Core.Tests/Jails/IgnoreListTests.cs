using System.Net;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Jails;
using ScanJail.Core.Net;

namespace ScanJail.Core.Tests.Jails;

/// <summary>
/// The ignore list answers by the address's key (masks over its two halves): the same answer as
/// <see cref="IpNetwork.Contains"/> on the address itself, for IPv4, IPv6 with and without a scope id,
/// IPv4-mapped IPv6 on either side, and prefixes of every length.
/// </summary>
public sealed class IgnoreListTests
{
    // Addresses near each other, so that prefixes cut between them: a few first bytes, then anything.
    private static readonly Gen<IPAddress> Addresses = Gen.OneOf(
        Gen.Zip(Gen.Zip(Gen.Elements<byte>(10, 192, 203), Gen.Choose(0, 3)), Gen.Zip(Gen.Choose(0, 255), Gen.Choose(0, 255)))
            .Select(t => new IPAddress(new[] { t.Item1.Item1, (byte)t.Item1.Item2, (byte)t.Item2.Item1, (byte)t.Item2.Item2 })),
        Gen.Zip(Gen.Zip(Gen.Elements(0x2001, 0xfe80, 0), Gen.Choose(0, 3)), Gen.Zip(Gen.Choose(0, 65535), Gen.Elements(0L, 0L, 2L)))
            .Select(t =>
            {
                var bytes = new byte[16];
                bytes[0] = (byte)(t.Item1.Item1 >> 8);
                bytes[1] = (byte)t.Item1.Item1;
                bytes[9] = (byte)t.Item1.Item2;
                bytes[14] = (byte)(t.Item2.Item1 >> 8);
                bytes[15] = (byte)t.Item2.Item1;
                return new IPAddress(bytes, t.Item2.Item2);
            }),
        Gen.Zip(Gen.Choose(0, 3), Gen.Choose(0, 255)).Select(t => IPAddress.Parse($"::ffff:10.{t.Item1}.0.{t.Item2}")));

    private static readonly Gen<IpNetwork> Networks = Gen.Zip(Addresses, Gen.Choose(0, 128)).Select(t =>
    {
        var max = t.Item1.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var prefix = t.Item2 % (max + 1);
        return new IpNetwork(IpNetworkParser.Mask(t.Item1, prefix), prefix);
    });

    [Fact]
    public void A_network_holds_by_key_exactly_the_addresses_it_holds_by_address()
    {
        Prop.ForAll(Networks.ArrayOf().ToArbitrary(), Addresses.ToArbitrary(), (networks, address) =>
        {
            var list = new IgnoreList(networks, ignoreSelf: false);
            var expected = networks.Any(n => n.Contains(address));
            return list.Contains(address) == expected && list.Contains(AddressKey.From(address)) == expected;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.200.3.4", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.2.3", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("::/0", "192.0.2.1", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("2001:db8::fe/127", "2001:db8::ff", true)]
    [InlineData("2001:db8::fe/127", "2001:db8::100", false)]
    [InlineData("fe80::/64", "fe80::1%2", true)]
    public void Ignoreip_networks(string network, string address, bool ignored)
    {
        Assert.True(IpNetwork.TryParse(network, out var parsed));
        var list = new IgnoreList([parsed!], ignoreSelf: false);
        Assert.Equal(ignored, list.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void Ignoreself_holds_loopback_and_not_its_mapped_form()
    {
        var list = new IgnoreList([], ignoreSelf: true);
        Assert.True(list.Contains(IPAddress.Loopback));
        Assert.True(list.Contains(IPAddress.IPv6Loopback));
        Assert.False(list.Contains(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(new IgnoreList([], ignoreSelf: false).Contains(IPAddress.Loopback));
    }
}
