using System.Net;
using ScanJail.Core.Net;

namespace ScanJail.Core.Sources.Syslog;

/// <summary>Which senders a network receiver takes: everyone when empty, else those inside one of the networks.</summary>
internal sealed class SenderAllowList(IReadOnlyList<IpNetwork> networks)
{
    public bool Allows(IPAddress sender)
    {
        if (networks.Count == 0)
        {
            return true;
        }
        var address = sender.IsIPv4MappedToIPv6 ? sender.MapToIPv4() : sender;
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }
}
