using System.Net;

namespace ScanJail.Core.Net;

// OWNER: configuration helper. Replace the bodies; keep the signatures.
internal static class IpNetworkParser
{
    public static bool TryParse(string? text, out IpNetwork? network) => throw new NotImplementedException();

    public static bool Contains(IpNetwork network, IPAddress address) => throw new NotImplementedException();
}
