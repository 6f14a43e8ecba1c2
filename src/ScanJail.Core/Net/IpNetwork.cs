using System.Net;

namespace ScanJail.Core.Net;

/// <summary>An address block (CIDR), IPv4 or IPv6; a single address is a /32 or /128.</summary>
public sealed record IpNetwork(IPAddress Network, int PrefixLength)
{
    /// <summary>Parses <c>192.0.2.0/24</c>, <c>2001:db8::/32</c>, or a plain address. Never throws.</summary>
    public static bool TryParse(string? text, out IpNetwork? network) => IpNetworkParser.TryParse(text, out network);

    public bool Contains(IPAddress address) => IpNetworkParser.Contains(this, address);

    public override string ToString() => $"{Network}/{PrefixLength}";
}
