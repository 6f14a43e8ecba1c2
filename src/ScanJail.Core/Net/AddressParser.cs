using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace ScanJail.Core.Net;

/// <summary>
/// Turns captured text into an IP address, strictly: dotted-quad IPv4 (no short forms such as
/// <c>10.1</c>, no octal, no hex), IPv6 (with or without brackets, no zone), and IPv4-mapped IPv6
/// (<c>::ffff:192.0.2.1</c>) folded to IPv4 so that one host has one key. Anything else, host
/// names included, is not an address. Never throws.
/// </summary>
public static class AddressParser
{
    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Length is 0 or > 64)
        {
            return false;
        }
        if (text[0] == '[' && text[^1] == ']')
        {
            text = text[1..^1];
        }
        if (text.Contains(':'))
        {
            if (text.Contains('%') || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }
            address = v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6;
            return true;
        }
        return TryParseDottedQuad(text, out address);
    }

    public static bool TryParse(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        return text is not null && TryParse(text.AsSpan(), out address);
    }

    // IPAddress.TryParse accepts "10.1", "0x7f.1" and "017.0.0.1"; log text must not smuggle those in.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryParseDottedQuad(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        Span<byte> bytes = stackalloc byte[4];
        var part = 0;
        foreach (var range in text.Split('.'))
        {
            var piece = text[range];
            if (part == 4 || piece.Length is 0 or > 3 || (piece.Length > 1 && piece[0] == '0'))
            {
                return false;
            }
            if (!byte.TryParse(piece, NumberStyles.None, CultureInfo.InvariantCulture, out bytes[part]))
            {
                return false;
            }
            part++;
        }
        if (part != 4)
        {
            return false;
        }
        address = new IPAddress(bytes);
        return true;
    }
}
