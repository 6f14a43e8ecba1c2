using System.Net;
using ScanJail.Core.Bans;
using ScanJail.Core.Tests.Configuration;

namespace ScanJail.Core.Tests.Bans;

public sealed class BanPrefixTests : IDisposable
{
    private readonly TempConfigDirectory _config = new();

    public void Dispose() => _config.Dispose();

    [Theory]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::", 64)]
    [InlineData("2001:db8:1:2ff::1", "2001:db8:1:200::", 56)]
    [InlineData("203.0.113.77", "203.0.113.0", 24)]
    [InlineData("203.0.113.77", "203.0.113.76", 30)]
    public void The_network_is_the_first_address_of_the_prefix(string address, string network, int prefix)
    {
        var bans = new BanPrefix(address.Contains(':', StringComparison.Ordinal) ? 32 : prefix, address.Contains(':', StringComparison.Ordinal) ? prefix : 128);

        Assert.Equal(IPAddress.Parse(network), bans.NetworkOf(IPAddress.Parse(address)));
        Assert.Equal(prefix, bans.For(IPAddress.Parse(address)));
    }

    [Fact]
    public void A_full_prefix_bans_the_single_address()
    {
        var bans = new BanPrefix(32, 64);
        var address = IPAddress.Parse("203.0.113.77");

        Assert.Null(bans.For(address));
        Assert.Same(address, bans.NetworkOf(address));
        var ban = new Ban("ssh", address, DateTimeOffset.UnixEpoch, null, 1, 1, new Dictionary<string, string>());
        Assert.Equal("203.0.113.77", ban.Target);
        Assert.Equal("2001:db8::/64", (ban with { Address = IPAddress.Parse("2001:db8::"), Prefix = 64 }).Target);
    }

    [Fact]
    public void Banprefix_is_read_from_defaults_and_each_key_is_optional()
    {
        _config.Write("shipped/filters/sshd.yaml", ConfigFixtures.SshdFilter);
        _config.Write("shipped/actions/log.yaml", "kind: log");
        _config.Write("etc/jail.yaml", """
            defaults:
              banprefix: { ipv6: 64 }
            jails:
              j:
                source: a.log
                filter: sshd
              k:
                source: a.log
                filter: sshd
                banprefix: { ipv4: 24, ipv6: 48 }
            """);

        var result = _config.Load();

        Assert.Empty(result.Errors);
        var jails = result.Config!.Jails.ToDictionary(j => j.Name);
        Assert.Equal(new BanPrefix(32, 64), jails["j"].BanPrefix);
        Assert.Equal(new BanPrefix(24, 48), jails["k"].BanPrefix);
    }
}
