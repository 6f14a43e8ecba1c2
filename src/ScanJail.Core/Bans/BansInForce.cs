using System.Net;
using System.Net.Sockets;
using ScanJail.Core.Net;

namespace ScanJail.Core.Bans;

/// <summary>
/// The bans in force, asked which one covers an address: a ban of the address itself, or of a network that holds
/// it (a jail's <c>banprefix</c>). Of several, the longest wins (a permanent one first).
/// Built once per question from the ban book's active bans (the scan report); a network is found by masking the
/// address with each prefix length in force for its family, so the cost per address is one lookup per length.
/// </summary>
internal sealed class BansInForce
{
    private readonly Dictionary<IPAddress, Ban> _addresses = [];
    private readonly Dictionary<(int Prefix, IPAddress Network), Ban> _networks = [];
    private readonly SortedSet<(AddressFamily Family, int Prefix)> _prefixes = [];

    public BansInForce(IEnumerable<Ban> active)
    {
        foreach (var ban in active)
        {
            if (ban.Prefix is { } prefix)
            {
                _prefixes.Add((ban.Address.AddressFamily, prefix));
                Keep(_networks, (prefix, ban.Address), ban);
            }
            else
            {
                Keep(_addresses, ban.Address, ban);
            }
        }
    }

    /// <summary>The longest ban in force that covers <paramref name="address"/>, or null.</summary>
    public Ban? Covering(IPAddress address)
    {
        _addresses.TryGetValue(address, out var found);
        // As a network holds it (IpNetwork.Contains): an IPv4-mapped address is in the IPv4 networks.
        var inNetworks = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var (family, prefix) in _prefixes)
        {
            if (family == inNetworks.AddressFamily
                && _networks.TryGetValue((prefix, IpNetworkParser.Mask(inNetworks, prefix)), out var network) && Longer(network, found))
            {
                found = network;
            }
        }
        return found;
    }

    private static void Keep<TKey>(Dictionary<TKey, Ban> bans, TKey key, Ban ban)
        where TKey : notnull
    {
        if (!bans.TryGetValue(key, out var kept) || Longer(ban, kept))
        {
            bans[key] = ban;
        }
    }

    // Null end: permanent, longer than any.
    private static bool Longer(Ban ban, Ban? than) =>
        than is null || (than.End is { } end && (ban.End is null || ban.End > end));
}
