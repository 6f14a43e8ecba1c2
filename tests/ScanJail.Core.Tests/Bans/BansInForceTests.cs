using System.Net;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Bans;
using ScanJail.Core.Net;

namespace ScanJail.Core.Tests.Bans;

/// <summary>
/// The scan report's question to the active bans: which ban covers an address, its own or a network's (banprefix), the
/// longest of several. Over random bans its answer is the one found by asking every ban
/// (<see cref="IpNetwork.Contains"/> for a network, equality for an address).
/// </summary>
public sealed class BansInForceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    // Few distinct addresses, so that bans and questions meet: IPv4, IPv4-mapped and IPv6 near each other.
    private static readonly Gen<IPAddress> Addresses = Gen.OneOf(
        Gen.Zip(Gen.Choose(0, 2), Gen.Choose(0, 3)).Select(t => IPAddress.Parse($"192.0.{2 + t.Item1}.{t.Item2 * 64 + 7}")),
        Gen.Zip(Gen.Choose(0, 2), Gen.Choose(0, 3)).Select(t => IPAddress.Parse($"::ffff:192.0.{2 + t.Item1}.{t.Item2 * 64 + 7}")),
        Gen.Zip(Gen.Choose(0, 2), Gen.Choose(0, 3)).Select(t => IPAddress.Parse($"2001:db8:{t.Item1}::{t.Item2}:7")));

    private static readonly Gen<Ban> Bans =
        Gen.Zip(Gen.Zip(Addresses, Gen.Elements<int?>(null, null, 16, 24, 26, 32, 48, 64, 112)), Gen.Zip(Gen.Elements("portscan", "sshd"), Gen.Choose(-1, 5)))
            .Select(t =>
            {
                var ((address, prefix), (jail, hours)) = t;
                var end = hours < 0 ? (DateTimeOffset?)null : Start.AddHours(hours + 1);
                var ban = new Ban(jail, address, Start, end, 3, 1, new Dictionary<string, string>());
                var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
                var max = v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
                return prefix is { } p ? ban with { Address = IpNetworkParser.Mask(v4, Math.Min(p, max)), Prefix = Math.Min(p, max) } : ban;
            });

    [Fact]
    public void The_covering_ban_is_the_longest_of_those_that_hold_the_address()
    {
        Prop.ForAll(Bans.ArrayOf().ToArbitrary(), Addresses.ToArbitrary(), (bans, address) =>
        {
            var holding = bans.Where(b => b.Prefix is { } p ? new IpNetwork(b.Address, p).Contains(address) : b.Address.Equals(address)).ToList();
            var found = new BansInForce(bans).Covering(address);
            if (holding.Count == 0)
            {
                return found is null;
            }
            var longest = holding.Any(b => b.End is null) ? null : holding.Max(b => b.End);
            return found is not null && holding.Contains(found) && found.End == longest;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    [Fact]
    public void A_network_ban_covers_its_addresses_and_names_the_network()
    {
        var network = new Ban("portscan", IPAddress.Parse("192.0.2.0"), Start, Start.AddHours(1), 3, 1, new Dictionary<string, string>()) { Prefix = 24 };
        var own = new Ban("sshd", IPAddress.Parse("192.0.2.8"), Start, Start.AddMinutes(10), 3, 1, new Dictionary<string, string>());
        var inForce = new BansInForce([network, own]);
        Assert.Same(network, inForce.Covering(IPAddress.Parse("192.0.2.7")));
        Assert.Same(network, inForce.Covering(IPAddress.Parse("192.0.2.8"))); // the longer of the two
        Assert.Same(network, inForce.Covering(IPAddress.Parse("::ffff:192.0.2.9")));
        Assert.Null(inForce.Covering(IPAddress.Parse("192.0.3.7")));
        Assert.Equal("192.0.2.0/24", network.Target);
    }
}
