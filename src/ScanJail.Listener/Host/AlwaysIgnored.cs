using System.Collections.Frozen;
using System.Net;
using System.Net.NetworkInformation;
using ScanJail.Core.Net;

namespace ScanJail.Listener.Host;

/// <summary>
/// Sources never reported: the configured ignore list, and always this host's own addresses, its
/// default gateways and its DNS resolvers (spoofed probes from them must not make the engine ban
/// them). The host part is re-read by <see cref="Refresh"/>, since addresses and routes change.
/// </summary>
public sealed class AlwaysIgnored
{
    /// <summary>Names another resolv.conf to read the resolvers from (tests, chroots); the machine's own by default.</summary>
    public const string ResolvConfVariable = "SCANJAIL_RESOLV_CONF";
    private readonly IReadOnlyList<IpNetwork> _configured;
    private readonly string _resolvConf;
    private volatile FrozenSet<IPAddress> _host = FrozenSet<IPAddress>.Empty;

    public AlwaysIgnored(IReadOnlyList<IpNetwork> configured, string? resolvConf = null)
    {
        _configured = configured;
        var fromEnvironment = Environment.GetEnvironmentVariable(ResolvConfVariable);
        _resolvConf = resolvConf ?? (string.IsNullOrEmpty(fromEnvironment) ? "/etc/resolv.conf" : fromEnvironment);
        Refresh();
    }

    public IReadOnlyCollection<IPAddress> HostAddresses => _host;

    public bool Contains(IPAddress address)
    {
        address = WithoutScope(address);
        if (IPAddress.IsLoopback(address) || _host.Contains(address))
        {
            return true;
        }
        foreach (var network in _configured)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A link-local IPv6 address from a socket carries its interface; the tables compare without it.</summary>
    public static IPAddress WithoutScope(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        return address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || address.ScopeId == 0 ? address : new IPAddress(address.GetAddressBytes());
    }

    public void Refresh()
    {
        var set = new HashSet<IPAddress>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    set.Add(WithoutScope(unicast.Address));
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Without the interface list, loopback, gateways and resolvers are still known.
        }
        set.UnionWith(ProcNet.DefaultGateways());
        set.UnionWith(ProcNet.Resolvers(_resolvConf));
        _host = set.ToFrozenSet();
    }
}
