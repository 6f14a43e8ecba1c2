using System.Globalization;
using ScanJail.Core.Configuration;
using ScanJail.Core.Net;
using ScanJail.Core.Syslog;
using ScanJail.Core.Time;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Listener.Configuration;

/// <summary>
/// Reads listener.yaml. Every error is collected (file, line, column, field, how to fix it),
/// unknown keys included; the config is returned only when there is none.
/// </summary>
public static class ListenerConfigLoader
{
    public const string DefaultTag = "scanjail-listener";

    public static ListenerConfig? Load(string path, ConfigErrors errors)
    {
        var root = YamlFile.LoadMapping(path, errors);
        return root is null ? null : Read(new MappingReader(root, path, null, "", errors));
    }

    public static ListenerConfig? Parse(string yaml, string path, ConfigErrors errors)
    {
        var root = YamlFile.ParseMapping(yaml, path, errors);
        return root is null ? null : Read(new MappingReader(root, path, null, "", errors));
    }

    private static ListenerConfig? Read(MappingReader map)
    {
        var modes = new List<ModeConfig>();
        ReadModes(map, "tcp", modes);
        ReadModes(map, "udp", modes);
        if (modes.Count == 0 && !map.Errors.Any)
        {
            map.Error(null, "tcp", "nothing to watch: give tcp: { mode: atcp, ports: \"1-1024\" } and/or udp: { mode: audp, ports: \"1-1024\" }");
        }
        var syslog = ReadSyslog(map);
        var ignore = new List<IpNetwork>();
        foreach (var (text, node) in map.StringList("ignore") ?? [])
        {
            if (IpNetwork.TryParse(text, out var network))
            {
                ignore.Add(network!);
            }
            else
            {
                map.Error(node, "ignore", $"expected an address or CIDR such as 192.0.2.0/24 or 2001:db8::/32, found '{text}'");
            }
        }
        var ipv4 = map.Flag("ipv4") ?? true;
        var ipv6 = map.Flag("ipv6") ?? true;
        if (!ipv4 && !ipv6)
        {
            map.Error(map.Get("ipv6"), "ipv6", "ipv4 and ipv6 are both off: turn one on");
        }
        var trigger = map.Number("trigger", 1, 65535) ?? 1;
        var suppress = Duration(map, "suppress") ?? TimeSpan.FromMinutes(10);
        var maxSources = map.Number("max_sources", 1, 1_000_000) ?? 10_000;
        var rescan = Duration(map, "rescan") ?? TimeSpan.FromSeconds(1);
        var (perSecond, burst) = ReadRate(map);
        map.ReportUnknownKeys();
        return map.Errors.Any || syslog is null
            ? null
            : new ListenerConfig(modes, syslog, ignore, ipv4, ipv6, trigger, suppress, maxSources, perSecond, burst, rescan);
    }

    private static void ReadModes(MappingReader map, string protocol, List<ModeConfig> modes)
    {
        var node = map.Get(protocol);
        var items = node switch
        {
            null => [],
            YamlSequenceNode seq => seq.Children.Select((n, i) => (n, $"{protocol}[{i}]")).ToList(),
            _ => [(node, protocol)],
        };
        var raw = 0;
        var bound = 0;
        foreach (var (item, field) in items)
        {
            if (item is not YamlMappingNode mapping)
            {
                map.Error(item, protocol, "expected a mapping such as { mode: atcp, ports: \"1-1024\" }, or a list of them");
                continue;
            }
            var section = new MappingReader(mapping, map.File, null, field, map.Errors);
            var mode = ReadMode(section, protocol);
            if (mode is { } m)
            {
                if (m.Mode.IsRaw())
                {
                    raw++;
                }
                else
                {
                    bound++;
                }
                if (raw > 1 || bound > 1)
                {
                    section.Error(section.Get("mode"), "mode", $"at most one bound mode and one raw mode ({protocol[0]}s or a{protocol}) per protocol");
                }
                modes.Add(m);
            }
        }
    }

    private static ModeConfig? ReadMode(MappingReader section, string protocol)
    {
        var modeText = section.Scalar("mode");
        ListenMode? mode = null;
        if (modeText is null)
        {
            section.Error(null, "mode", $"missing: one of {protocol}, s{protocol}, a{protocol}");
        }
        else if (!ListenModes.TryParse(modeText, out var parsed) || parsed.IsTcp() != (protocol == "tcp"))
        {
            section.Error(section.Get("mode"), "mode", $"expected one of {protocol}, s{protocol}, a{protocol}, found '{modeText}'");
        }
        else
        {
            mode = parsed;
        }
        var ports = Ports(section, "ports");
        if (ports is null && section.Get("ports") is null)
        {
            if (mode is { } m && m.IsAdvanced())
            {
                ports = new PortSet();
                ports.TryAdd("1-1024");
            }
            else
            {
                section.Error(null, "ports", "missing: the ports to watch, such as \"1,11,15,79,111\" or \"1-1024\"");
            }
        }
        var exclude = Ports(section, "exclude") ?? PortSet.Empty;
        var banner = section.Scalar("banner");
        if (banner is not null && mode is not ListenMode.Tcp)
        {
            section.Error(section.Get("banner"), "banner", "a banner is sent only in tcp mode");
        }
        section.ReportUnknownKeys();
        return mode is { } ok && ports is not null ? new ModeConfig(ok, ports, exclude, banner) : null;
    }

    private static PortSet? Ports(MappingReader section, string key)
    {
        var list = section.StringList(key);
        if (list is null)
        {
            return null;
        }
        var set = new PortSet();
        var ok = true;
        foreach (var (text, node) in list)
        {
            if (!set.TryAdd(text))
            {
                section.Error(node, key, $"expected ports 1-65535 as numbers and ranges such as \"1-1024,2000\", found '{text}'");
                ok = false;
            }
        }
        return ok ? set : null;
    }

    private static SyslogConfig? ReadSyslog(MappingReader map)
    {
        var section = map.Mapping("syslog");
        if (section is null)
        {
            return map.Has("syslog") ? null : new SyslogConfig(SyslogTarget.DevLog, AlertFormat.Scanjail, SyslogFacility.Code("auth"), DefaultTag);
        }
        var target = SyslogTarget.DevLog;
        if (section.Scalar("target") is { } targetText && !SyslogTarget.TryParse(targetText, out target!, out var error))
        {
            section.Error(section.Get("target"), "target", error);
        }
        var format = AlertFormat.Scanjail;
        switch (section.Scalar("format"))
        {
            case null or "scanjail": break;
            case "portsentry": format = AlertFormat.Portsentry; break;
            case var other:
                section.Error(section.Get("format"), "format", $"expected scanjail or portsentry, found '{other}'");
                break;
        }
        var facilityText = section.Scalar("facility") ?? "auth";
        var facility = SyslogFacility.Code(facilityText);
        if (facility < 0)
        {
            section.Error(section.Get("facility"), "facility", $"expected one of {string.Join(", ", SyslogFacility.All)}, found '{facilityText}'");
        }
        var tag = section.Scalar("tag") ?? DefaultTag;
        if (tag.Length is 0 or > 48 || tag.Any(c => c is ' ' or ':' or '[' or ']' || char.IsControl(c)))
        {
            section.Error(section.Get("tag"), "tag", $"expected 1 to 48 characters without spaces, ':' or brackets, found '{tag}'");
        }
        section.ReportUnknownKeys();
        return new SyslogConfig(target, format, facility, tag);
    }

    private static (int PerSecond, int Burst) ReadRate(MappingReader map)
    {
        var rate = map.Mapping("rate");
        if (rate is null)
        {
            return (1000, 5000);
        }
        var perSecond = rate.Number("lines_per_second", 1, 1_000_000) ?? 1000;
        var burst = rate.Number("burst", 1, 10_000_000) ?? 5000;
        rate.ReportUnknownKeys();
        return (perSecond, burst);
    }

    private static TimeSpan? Duration(MappingReader map, string key)
    {
        var text = map.Scalar(key);
        if (text is null)
        {
            return null;
        }
        if (!DurationGrammar.TryParse(text, out var value) || value <= TimeSpan.Zero)
        {
            map.Error(map.Get(key), key, string.Create(CultureInfo.InvariantCulture, $"expected a duration longer than zero such as 30s, 10m or 1h, found '{text}'"));
            return null;
        }
        return value;
    }
}
