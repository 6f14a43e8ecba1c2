using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Net;

namespace ScanJail.Core.Tests.Net;

/// <summary>Addresses and CIDR blocks: never throw on any text, and round-trip through their own text.</summary>
public sealed class AddressPropertyTests
{
    private static readonly char[] Alphabet = "0123456789abcdefABCDEF:./[]% \t-+x\u0663".ToCharArray();

    private static readonly Gen<string> NearMiss = Gen.Elements(Alphabet).ArrayOf().Select(chars => new string(chars));

    private static readonly Gen<IPAddress> AnyAddress = Gen.OneOf(
        Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 4).Select(b => new IPAddress(b)),
        Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 16).Select(b => new IPAddress(b)));

    [Fact]
    public void Parsing_never_throws_on_arbitrary_or_near_miss_text()
    {
        Prop.ForAll(Gen.OneOf(NearMiss, ArbMap.Default.GeneratorFor<string>()).ToArbitrary(), text =>
        {
            var address = AddressParser.TryParse(text, out var a) ? a : null;
            var network = IpNetwork.TryParse(text, out var n) ? n : null;
            // Whatever is accepted is well formed: a prefix within the family's width.
            return (address is null || address.ToString().Length > 0)
                && (network is null || network.PrefixLength >= 0 && network.PrefixLength <= (network.Network.GetAddressBytes().Length * 8));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Dotted_quads_are_read_as_the_split_and_byte_parse_reading_does()
    {
        // The one-pass reader against the reading it replaced (round 9): four parts, each 1-3 ASCII digits without a
        // leading zero and at most 255, on near misses of every kind and on addresses written with padding.
        var dotted = Gen.Elements("0", "1", "00", "01", "9", "10", "99", "100", "255", "256", "299", "999", "1000", "", ".", "..", " ", "+1", "-1", "\u0663", "a", "0x1")
            .ArrayOf().Select(parts => string.Join('.', parts));
        var addresses = Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), 4).Select(b => new IPAddress(b).ToString());
        var chars = Gen.Elements("0123456789.. a[]\u0663".ToCharArray()).ArrayOf().Select(c => new string(c));
        Prop.ForAll(Gen.OneOf(dotted, addresses, chars).ToArbitrary(), text =>
        {
            var expected = SplitReading(text);
            var parsed = AddressParser.TryParse(text, out var address);
            return parsed == (expected is not null) && (!parsed || (address.Equals(expected) && address.AddressFamily == AddressFamily.InterNetwork));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(5000));
    }

    // The reading before round 9, kept as the definition.
    private static IPAddress? SplitReading(string text)
    {
        if (text.Length is 0 or > 64 || text.Contains(':'))
        {
            return null;
        }
        if (text.Length > 1 && text[0] == '[' && text[^1] == ']')
        {
            text = text[1..^1];
        }
        var parts = text.Split('.');
        var bytes = new byte[4];
        if (parts.Length != 4)
        {
            return null;
        }
        for (var i = 0; i < 4; i++)
        {
            var piece = parts[i];
            if (piece.Length is 0 or > 3 || (piece.Length > 1 && piece[0] == '0')
                || !byte.TryParse(piece, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out bytes[i]))
            {
                return null;
            }
        }
        return new IPAddress(bytes);
    }

    [Fact]
    public void Any_address_round_trips_through_its_text_with_mapped_IPv6_folded_to_IPv4()
    {
        Prop.ForAll(AnyAddress.ToArbitrary(), address =>
        {
            var expected = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            return AddressParser.TryParse(address.ToString(), out var back) && back.Equals(expected)
                && (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6
                    || (AddressParser.TryParse("[" + address + "]", out var bracketed) && bracketed.Equals(expected)));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Any_network_round_trips_and_contains_exactly_the_addresses_sharing_its_prefix()
    {
        var cases = AnyAddress.SelectMany(a => Gen.Choose(0, a.GetAddressBytes().Length * 8).SelectMany(p => AnyAddress.Select(other => (a, p, other))));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (address, prefix, other) = c;
            if (address.IsIPv4MappedToIPv6)
            {
                return true;
            }
            if (!IpNetwork.TryParse($"{address}/{prefix}", out var network))
            {
                return false;
            }
            var again = IpNetwork.TryParse(network!.ToString(), out var back) && back == network;
            var containsOwn = network.Contains(address);
            var folded = other.IsIPv4MappedToIPv6 ? other.MapToIPv4() : other;
            var expected = folded.AddressFamily == address.AddressFamily && SamePrefix(address, folded, prefix);
            return again && containsOwn && network.Contains(other) == expected;
        }).QuickCheckThrowOnFailure();
    }

    private static bool SamePrefix(IPAddress a, IPAddress b, int prefix)
    {
        var x = a.GetAddressBytes();
        var y = b.GetAddressBytes();
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((x[bit / 8] & mask) != (y[bit / 8] & mask))
            {
                return false;
            }
        }
        return true;
    }
}
