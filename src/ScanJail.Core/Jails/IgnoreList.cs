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
    private readonly IpNetwork[] _networks;
    private readonly HashSet<IPAddress> _self;

    public IgnoreList(IReadOnlyList<IpNetwork> networks, bool ignoreSelf)
    {
        _networks = [.. networks];
        _self = ignoreSelf ? HostAddresses() : [];
    }

    /// <summary>Asked for every failure: a loop over an array, no closure or enumerator to allocate.</summary>
    public bool Contains(IPAddress address)
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
}
