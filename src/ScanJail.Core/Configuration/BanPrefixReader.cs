using ScanJail.Core.Bans;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Reads <c>banprefix: { ipv4: 24, ipv6: 64 }</c> (either key may be left out: 32 and 128, the single address).
/// The shortest prefixes allowed are /8 and /16: a ban must never cover half the internet by a typo.
/// </summary>
internal static class BanPrefixReader
{
    public const int MinIPv4 = 8;
    public const int MinIPv6 = 16;

    public static Setting<BanPrefix>? Read(MappingReader map)
    {
        var node = map.Get("banprefix");
        var inner = map.Mapping("banprefix");
        if (inner is null)
        {
            return null;
        }
        var before = map.Errors.Items.Count;
        var ipv4 = inner.Number("ipv4", MinIPv4, 32) ?? 32;
        var ipv6 = inner.Number("ipv6", MinIPv6, 128) ?? 128;
        inner.ReportUnknownKeys();
        return map.Errors.Items.Count > before ? null : new Setting<BanPrefix>(new BanPrefix(ipv4, ipv6), map.File, node);
    }
}
