using ScanJail.Core.Net;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Reads the keys of one jail, or of <c>defaults:</c> (every jail key but source and filter), into a
/// <see cref="JailLayer"/>. Every type and value error is recorded, enabled jail or not.
/// </summary>
internal static class JailSettingsReader
{
    public static JailLayer Read(MappingReader map, string directory, bool isJail)
    {
        var given = new HashSet<string>(
            map.Node.Children.Keys.Select(k => (k as YamlScalarNode)?.Value ?? ""), StringComparer.Ordinal);
        if (!isJail)
        {
            RejectJailOnly(map, "source", "a log source belongs to one jail");
            RejectJailOnly(map, "filter", "a filter belongs to one jail");
        }
        var layer = new JailLayer
        {
            File = map.File,
            Given = given,
            Enabled = Flag(map, "enabled"),
            Sources = isJail ? SourceReader.Read(map, "source", directory) : null,
            Filter = isJail ? NamedReferenceReader.ReadOne(map, "filter", "filter") : null,
            FindTime = DurationReader.Read(map, "findtime"),
            MaxRetry = MaxRetry(map),
            BanTime = BanTimeReader.Read(map, "bantime"),
            IgnoreIp = IgnoreIp(map),
            IgnoreSelf = Flag(map, "ignoreself"),
            Actions = NamedReferenceReader.ReadList(map, "actions", "action"),
            UseDns = UseDns(map),
            BanPrefix = BanPrefixReader.Read(map),
        };
        map.ReportUnknownKeys();
        return layer;
    }

    private static void RejectJailOnly(MappingReader map, string key, string why)
    {
        if (map.Get(key) is { } node)
        {
            map.Error(node, key, $"{why}: move {key} into each jail under jails:");
        }
    }

    private static Setting<bool>? Flag(MappingReader map, string key) =>
        map.Flag(key) is { } value ? new Setting<bool>(value, map.File, map.Get(key)) : null;

    private static Setting<DnsMode>? UseDns(MappingReader map)
    {
        var text = map.Scalar("usedns");
        // YAML 1.1 habits: yes/no may arrive as true/false.
        DnsMode? mode = text?.ToLowerInvariant() switch
        {
            null => null,
            "yes" or "true" => DnsMode.Yes,
            "warn" => DnsMode.Warn,
            "no" or "false" => DnsMode.No,
            _ => null,
        };
        if (text is not null && mode is null)
        {
            map.Error(map.Get("usedns"), "usedns", $"expected yes (resolve host names), warn (drop them with a warning) or no (drop them), found '{text}'");
        }
        return mode is { } m ? new Setting<DnsMode>(m, map.File, map.Get("usedns")) : null;
    }

    private static Setting<int>? MaxRetry(MappingReader map) =>
        map.Number("maxretry", 1, 1_000_000) is { } value ? new Setting<int>(value, map.File, map.Get("maxretry")) : null;

    private static Setting<IReadOnlyList<IpNetwork>>? IgnoreIp(MappingReader map)
    {
        var items = map.StringList("ignoreip");
        if (items is null)
        {
            return null;
        }
        var networks = new List<IpNetwork>();
        var ok = true;
        foreach (var (text, node) in items)
        {
            if (IpNetwork.TryParse(text, out var network))
            {
                networks.Add(network!);
                continue;
            }
            map.Error(node, "ignoreip",
                $"'{text}' is not an IP address or CIDR block; write for example 203.0.113.9, 192.0.2.0/24 or 2001:db8::/32 (quote IPv6 such as \"::1\")");
            ok = false;
        }
        return ok ? new Setting<IReadOnlyList<IpNetwork>>(networks, map.File, map.Get("ignoreip")) : null;
    }
}
