using ScanJail.Core.Actions.Netlink;
using ScanJail.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Actions;

public static partial class ActionLoader
{
    public const string NetlinkKey = "netlink";

    /// <summary>
    /// <c>netlink:</c> (<see cref="NetlinkSets"/>): bans and unbans as nf_tables set elements written by the engine itself.
    /// <code>
    /// netlink:
    ///   family: inet                               # the table's family: inet, ip or ip6
    ///   table: sj-&lt;jail&gt;
    ///   sets: { inet4: addr-inet4, inet6: addr-inet6 }
    ///   unless: { subnets: "yes" }                 # optional: off (the lines are used) for these parameter values
    /// </code>
    /// The batch <c>ban</c> (and <c>unban</c>) stay: they serve batches too big for one netlink message and
    /// the cases <c>unless</c> names. Names may use <c>&lt;jail&gt;</c> and parameters that have a pattern.
    /// </summary>
    private static NetlinkSets? ReadNetlink(MappingReader reader, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> patterns)
    {
        if (reader.Get(NetlinkKey) is not { } node)
        {
            return null;
        }
        if (reader.Mapping(NetlinkKey) is not { } map)
        {
            return null; // reported: not a mapping
        }
        var before = reader.Errors.Items.Count;
        var family = map.Scalar("family");
        if (family is null || NetlinkSets.FamilyNumber(family) is null)
        {
            map.Error(map.Get("family") ?? map.Node, "family", $"expected the table's family: inet, ip or ip6{(family is null ? "" : $", found '{family}'")}");
        }
        var table = Name(map, "table", parameters, patterns);
        string? inet4 = null, inet6 = null;
        if (map.Mapping("sets") is { } sets)
        {
            inet4 = Name(sets, "inet4", parameters, patterns);
            inet6 = Name(sets, "inet6", parameters, patterns);
            sets.ReportUnknownKeys();
        }
        else if (!map.Has("sets"))
        {
            map.Error(map.Node, "sets", "expected the set of each address family: { inet4: addr-inet4, inet6: addr-inet6 }");
        }
        var unless = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map.Mapping("unless") is { } off)
        {
            foreach (var (keyNode, _) in off.Node.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                if (!parameters.ContainsKey(key))
                {
                    off.Error(keyNode, key, $"'{key}' is not a parameter of this action; unless names parameter values for which netlink is off");
                }
                else if (off.Scalar(key) is { } value)
                {
                    unless[key] = value;
                }
            }
        }
        map.ReportUnknownKeys();
        var ban = reader.Get(VerbKey(ActionVerb.Ban));
        var unban = reader.Get(VerbKey(ActionVerb.Unban));
        if (ban is not YamlMappingNode || unban is not (null or YamlMappingNode))
        {
            reader.Error(node, NetlinkKey, "netlink needs ban (and unban, if given) as batches (run: and each:), used for big batches and when netlink is off");
        }
        return reader.Errors.Items.Count > before || family is null || table is null || inet4 is null || inet6 is null
            ? null
            : new NetlinkSets(family, table, inet4, inet6, unless);
    }

    /// <summary>A table or set name: required, and its tags only <c>&lt;jail&gt;</c> and parameters with a pattern.</summary>
    private static string? Name(MappingReader map, string key, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> patterns)
    {
        var name = map.Scalar(key);
        if (string.IsNullOrEmpty(name))
        {
            map.Error(map.Get(key) ?? map.Node, key, $"expected a name, such as {(key == "table" ? "sj-<jail>" : $"addr-{key}")}");
            return null;
        }
        foreach (var tag in ArgTemplate.Parse(name).Tags.Distinct(StringComparer.Ordinal)
            .Where(t => t != TagNames.Jail && !(parameters.ContainsKey(t) && patterns.ContainsKey(t))))
        {
            map.Error(map.Get(key), key, $"tag <{tag}> cannot be used here: use <{TagNames.Jail}> and parameters that have a pattern");
        }
        return name;
    }
}
