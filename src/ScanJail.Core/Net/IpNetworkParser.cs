using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ScanJail.Core.Net;

/// <summary>
/// CIDR text to <see cref="IpNetwork"/> and membership tests. The address part goes through
/// <see cref="AddressParser"/> (strict dotted quads, no zones), so an IPv4-mapped IPv6 block such
/// as <c>::ffff:192.0.2.0/120</c> becomes <c>192.0.2.0/24</c>, the form addresses from logs take.
/// Host bits after the prefix are accepted and cleared (<c>192.0.2.7/24</c> is <c>192.0.2.0/24</c>).
/// </summary>
internal static class IpNetworkParser
{
    private const int MappedPrefix = 96;

    public static bool TryParse(string? text, out IpNetwork? network)
    {
        network = null;
        if (text is null)
        {
            return false;
        }
        var span = text.AsSpan().Trim();
        var slash = span.IndexOf('/');
        var addressText = slash < 0 ? span : span[..slash];
        if (!AddressParser.TryParse(addressText, out var address))
        {
            return false;
        }
        var isV4 = address.AddressFamily == AddressFamily.InterNetwork;
        var maxPrefix = isV4 ? 32 : 128;
        var prefix = maxPrefix;
        if (slash >= 0)
        {
            // Digits only: no sign, no spaces, no hex; three digits at most.
            var prefixText = span[(slash + 1)..];
            if (prefixText.Length is 0 or > 3
                || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix))
            {
                return false;
            }
            // A mapped address was folded to IPv4: its prefix counts the 96 bits of the ::ffff: part.
            var folded = isV4 && addressText.Contains(':');
            if (folded)
            {
                if (prefix < MappedPrefix || prefix > 128)
                {
                    return false;
                }
                prefix -= MappedPrefix;
            }
            if (prefix > maxPrefix)
            {
                return false;
            }
        }
        network = new IpNetwork(Mask(address, prefix), prefix);
        return true;
    }

    public static bool Contains(IpNetwork network, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != network.Network.AddressFamily)
        {
            return false;
        }
        Span<byte> net = stackalloc byte[16];
        Span<byte> candidate = stackalloc byte[16];
        if (!network.Network.TryWriteBytes(net, out var length) || !address.TryWriteBytes(candidate, out _))
        {
            return false;
        }
        return PrefixEquals(net[..length], candidate[..length], network.PrefixLength);
    }

    /// <summary>The first address of the <paramref name="prefix"/>-bit network that holds <paramref name="address"/>.</summary>
    public static IPAddress Mask(IPAddress address, int prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }
        return new IPAddress(bytes);
    }

    private static bool PrefixEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int prefix)
    {
        var whole = prefix / 8;
        if (!a[..whole].SequenceEqual(b[..whole]))
        {
            return false;
        }
        var rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }
        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (b[whole] & mask);
    }
}
