using System.Buffers.Binary;
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

    // IPAddress.TryParse accepts "10.1", "0x7f.1" and "017.0.0.1"; log text must not smuggle those in. Four parts of
    // one to three ASCII digits, no leading zero, each at most 255, read in one pass (split and byte.TryParse were a
    // twentieth of a file source's reading thread; AddressPropertyTests pins this to that reading).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryParseDottedQuad(ReadOnlySpan<char> text, out IPAddress address)
    {
        address = IPAddress.None;
        uint value = 0;
        var dots = 0;
        var digits = 0;
        var part = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || dots == 3)
                {
                    return false;
                }
                value = (value << 8) | (uint)part;
                dots++;
                digits = 0;
                part = 0;
                continue;
            }
            if (!char.IsAsciiDigit(c) || digits == 3 || (digits == 1 && part == 0))
            {
                return false;
            }
            part = (part * 10) + (c - '0');
            digits++;
            if (part > 255)
            {
                return false;
            }
        }
        if (digits == 0 || dots != 3)
        {
            return false;
        }
        // IPAddress(long) takes the bytes in network order from the lowest one up.
        address = new IPAddress(BinaryPrimitives.ReverseEndianness((value << 8) | (uint)part));
        return true;
    }
}
