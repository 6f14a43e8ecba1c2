using System.Net;
using System.Net.Sockets;

namespace ScanJail.Core.Bans;

/// <summary>
/// A jail's <c>banprefix</c>: how much of an address a ban covers (32 and 128 ban the single address). With a
/// shorter prefix, failures are counted per network and the ban blocks the whole network, so an IPv6
/// attacker who owns a /64 cannot step around a ban by changing its address.
/// </summary>
public sealed record BanPrefix(int IPv4, int IPv6)
{
    /// <summary>The prefix length for <paramref name="address"/>, or null when that means the single address.</summary>
    public int? For(IPAddress address)
    {
        var (prefix, full) = address.AddressFamily == AddressFamily.InterNetworkV6 ? (IPv6, 128) : (IPv4, 32);
        return prefix >= full ? null : prefix;
    }

    /// <summary>The first address of the network <paramref name="address"/> is in (the address itself for a full prefix).</summary>
    public IPAddress NetworkOf(IPAddress address)
    {
        return For(address) is { } prefix ? Net.IpNetworkParser.Mask(address, prefix) : address;
    }
}
