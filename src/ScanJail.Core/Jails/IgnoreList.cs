using System.Net;
using System.Net.NetworkInformation;
using ScanJail.Core.Net;

namespace ScanJail.Core.Jails;

/// <summary>
/// Addresses a jail never bans: its <c>ignoreip</c> networks and, with <c>ignoreself</c>, every
/// address of this host's interfaces (read once when the jail starts).
/// </summary>
public sealed class IgnoreList
{
    private readonly NetworkKey[] _networks;
    private readonly HashSet<AddressKey> _self;

    public IgnoreList(IReadOnlyList<IpNetwork> networks, bool ignoreSelf)
    {
        _networks = [.. networks.Select(NetworkKey.Of)];
        _self = ignoreSelf ? [.. HostAddresses().Select(AddressKey.From)] : [];
    }

    public bool Contains(IPAddress address) => Contains(AddressKey.From(address));

    /// <summary>
    /// Asked for every failure, with the key the engine loop makes of its address anyway: a set of values and a
    /// loop over an array of masks, where a set of addresses and the networks' byte comparisons cost a virtual
    /// hash and two address copies per failure. The same answer as <see cref="IpNetwork.Contains"/> and address
    /// equality (IgnoreListTests).
    /// </summary>
    public bool Contains(AddressKey address)
    {
        if (_self.Contains(address))
        {
            return true;
        }
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    private static HashSet<IPAddress> HostAddresses()
    {
        var set = new HashSet<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    var a = unicast.Address;
                    set.Add(a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a);
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Without the interface list only loopback is known to be ours; ignoreip still applies.
        }
        return set;
    }

    /// <summary>
    /// A network as masks over an <see cref="AddressKey"/>'s two halves. As <see cref="IpNetworkParser.Contains"/>:
    /// an IPv4-mapped IPv6 address is taken as its IPv4 address (the network as it is), the families must agree,
    /// and an IPv6 scope id is not compared.
    /// </summary>
    private readonly record struct NetworkKey(bool IsIPv4, ulong High, ulong Low, ulong MaskHigh, ulong MaskLow)
    {
        public static NetworkKey Of(IpNetwork network)
        {
            var key = AddressKey.From(network.Network);
            if (key.IsIPv4)
            {
                // An IPv4 address is the key's low 32 bits.
                var mask = Bits(network.PrefixLength) >> 32;
                return new NetworkKey(true, 0, key.Low & mask, 0, mask);
            }
            var maskHigh = Bits(Math.Min(network.PrefixLength, 64));
            var maskLow = Bits(Math.Max(network.PrefixLength - 64, 0));
            return new NetworkKey(false, key.High & maskHigh, key.Low & maskLow, maskHigh, maskLow);
        }

        public bool Contains(AddressKey address)
        {
            var (isIPv4, high, low) = (address.IsIPv4, address.High, address.Low);
            // ::ffff:a.b.c.d is a.b.c.d.
            if (!isIPv4 && high == 0 && low >> 32 == 0xFFFF)
            {
                (isIPv4, low) = (true, low & 0xFFFF_FFFFUL);
            }
            return isIPv4 == IsIPv4 && (high & MaskHigh) == High && (low & MaskLow) == Low;
        }

        // The first n bits of 64, from the top.
        private static ulong Bits(int n) => n == 0 ? 0 : ulong.MaxValue << (64 - n);
    }
}
