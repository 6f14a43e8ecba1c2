using ScanJail.Core.Net;
using ScanJail.Core.Sources.Syslog;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// The source kinds other than files: <c>{ syslog: ADDRESS, allow: [CIDR...], maxline: N }</c>,
/// <c>{ journald: { match: [FIELD=VALUE...], journalctl: PATH } }</c> and the scalar <c>stdin</c>.
/// </summary>
internal static class IntakeSourceReader
{
    public const string Stdin = "stdin";

    /// <summary>True when <paramref name="map"/> is a syslog or journald source (read into <paramref name="config"/>, errors reported).</summary>
    public static bool TryRead(MappingReader map, string directory, out SourceConfig? config)
    {
        config = null;
        if (map.Node.Children.ContainsKey(new YamlScalarNode("syslog")))
        {
            config = ReadSyslog(map, directory);
            return true;
        }
        if (map.Node.Children.ContainsKey(new YamlScalarNode("journald")))
        {
            config = ReadJournald(map);
            return true;
        }
        return false;
    }

    private static SyslogSourceConfig? ReadSyslog(MappingReader map, string directory)
    {
        var text = map.Scalar("syslog");
        var allowList = map.StringList("allow");
        var maxLine = map.Number("maxline", SourceReader.MinLineLength, 65_536);
        map.ReportUnknownKeys();
        var allow = new List<IpNetwork>();
        foreach (var (value, node) in allowList ?? [])
        {
            if (IpNetwork.TryParse(value, out var network))
            {
                allow.Add(network!);
            }
            else
            {
                map.Error(node, "allow", $"expected an address or network such as 192.0.2.0/24 or 2001:db8::/32, found '{value}'");
            }
        }
        if (text is null)
        {
            return null;
        }
        if (!SyslogAddress.TryParse(text.Trim(), directory, out var address, out var error))
        {
            map.Error(map.Get("syslog"), "syslog", error);
            return null;
        }
        if (address!.IsNetwork && !address.IsLoopback && allow.Count == 0 && allowList is null)
        {
            map.Error(map.Get("syslog"), "syslog",
                $"{address} is not a loopback address: plain syslog can be spoofed, so give allow: [the senders' networks] to listen there");
            return null;
        }
        if (!address.IsNetwork && allowList is not null)
        {
            map.Error(map.Get("allow"), "allow", "a unix socket has no sender addresses; protect it with the directory's permissions instead");
        }
        return new SyslogSourceConfig(address, allow, maxLine ?? 8192);
    }

    private static JournaldSourceConfig? ReadJournald(MappingReader map)
    {
        var inner = map.Mapping("journald");
        map.ReportUnknownKeys();
        if (inner is null)
        {
            return null;
        }
        var matches = inner.StringList("match");
        var program = inner.Scalar("journalctl");
        inner.ReportUnknownKeys();
        var list = new List<string>();
        foreach (var (value, node) in matches ?? [])
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || value.Contains('\n', StringComparison.Ordinal) || value.StartsWith('-'))
            {
                inner.Error(node, "match", $"expected FIELD=VALUE such as _SYSTEMD_UNIT=ssh.service, found '{value}'");
                continue;
            }
            list.Add(value);
        }
        if (matches is null || list.Count == 0)
        {
            inner.Error(inner.Node, "match", "give at least one match such as match: [_SYSTEMD_UNIT=ssh.service], or the whole journal would be read");
            return null;
        }
        var found = FindProgram(program ?? "journalctl");
        if (found is null)
        {
            inner.Error(inner.Get("journalctl") ?? inner.Node, "journalctl",
                $"journalctl was not found ({(program is null ? "searched PATH" : program)}); install systemd (Debian package systemd) or give journalctl: PATH");
            return null;
        }
        return new JournaldSourceConfig(list, found);
    }

    /// <summary>An absolute path, or the first executable of that name on PATH.</summary>
    internal static string? FindProgram(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (!OperatingSystem.IsWindows() && File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }
        return null;
    }
}
