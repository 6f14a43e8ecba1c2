namespace ScanJail.Core.Actions.Netlink;

/// <summary>
/// An action's <c>netlink:</c> block: bans and unbans written as set elements straight to the kernel's
/// nf_tables sets over netlink, in the engine's own process, instead of lines to a tool. <see cref="Table"/>
/// and the set names are templates (<c>&lt;jail&gt;</c> and pattern-checked parameters). <see cref="Unless"/>
/// names parameter values for which the block is off and the action's lines are used instead (interval
/// sets, whose elements are ranges).
/// </summary>
public sealed record NetlinkSets(
    string Family,
    string Table,
    string Inet4Set,
    string Inet6Set,
    IReadOnlyDictionary<string, string> Unless)
{
    /// <summary>The nf_tables family number of a table family name (NFPROTO_* of linux/netfilter.h), or null.</summary>
    public static byte? FamilyNumber(string family) => family switch
    {
        "inet" => 1,
        "ip" => 2,
        "ip6" => 10,
        _ => null,
    };

    /// <summary>Every template text in order, to compare two definitions (reload keeps an unchanged action).</summary>
    public string Key => string.Join("\u0001", new[] { Family, Table, Inet4Set, Inet6Set }
        .Concat(Unless.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)));
}
