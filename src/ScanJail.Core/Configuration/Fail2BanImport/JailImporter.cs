using System.Globalization;
using ScanJail.Core.Filtering.Fail2Ban;
using ScanJail.Core.Net;
using ScanJail.Core.Time;

namespace ScanJail.Core.Configuration.Fail2BanImport;

/// <summary>
/// <c>scanjail import-fail2ban</c>: reads a fail2ban directory's jail files (see <see cref="Fail2BanJailFiles"/>)
/// and turns each enabled jail into ScanJail keys: logpath → source, filter → <c>fail2ban:NAME[params]</c>,
/// findtime, maxretry, bantime with bantime.increment/factor/maxtime, ignoreip, ignoreself, usedns, and
/// the nearest shipped action for each fail2ban action. Whatever has no ScanJail equivalent is listed.
/// </summary>
public static class JailImporter
{
    /// <summary>Keys that only feed fail2ban's interpolation or its actions (their effect is in the action mapping).</summary>
    private static readonly HashSet<string> Quiet = new(StringComparer.Ordinal)
    {
        "enabled", "filter", "logpath", "backend", "findtime", "maxretry", "bantime", "bantime.increment",
        "bantime.factor", "bantime.maxtime", "ignoreip", "ignoreself", "ignorecommand", "usedns", "action",
        "logencoding", "port", "protocol", "chain", "banaction", "banaction_allports", "mta", "destemail",
        "sender", "maxmatches", "mode", "tcpport", "udpport", "fail2ban_agent",
    };

    private static readonly string[] Unsupported =
        ["bantime.formula", "bantime.multipliers", "bantime.rndtime", "bantime.overalljails", "failregex",
         "ignoreregex", "maxlines", "datepattern", "journalmatch", "prefregex", "logtimezone", "ignorecache"];

    /// <summary>
    /// Imports <paramref name="fail2banDir"/>; <paramref name="shippedDirs"/> are the shipped sets whose
    /// <c>actions/</c> are looked at for an action matching each fail2ban action.
    /// </summary>
    public static ImportResult Import(string fail2banDir, IReadOnlyList<string> shippedDirs)
    {
        ArgumentNullException.ThrowIfNull(shippedDirs);
        var dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(fail2banDir));
        var files = Fail2BanJailFiles.Read(dir);
        var untranslated = files.Problems.Select(p => $"(files): {p}").ToList();
        var actions = new ActionMatcher(shippedDirs);
        var jails = new List<ImportedJail>();
        foreach (var name in files.Jails)
        {
            if (!IsTrue(files.Get(name, "enabled")))
            {
                continue;
            }
            var jail = new ImportedJail(name);
            if (!PlainName.IsValid(name))
            {
                untranslated.Add($"{name}: the jail name is not a ScanJail name ({PlainName.Rule}); jail skipped");
                continue;
            }
            ReadJail(files, dir, jail, actions);
            jails.Add(jail);
            untranslated.AddRange(jail.Untranslated.Select(u => $"{name}: {u}"));
        }
        var yaml = JailYamlWriter.Write(dir, files.Files, jails, untranslated);
        return new ImportResult(yaml, jails, untranslated);
    }

    private static void ReadJail(Fail2BanJailFiles files, string dir, ImportedJail jail, ActionMatcher actions)
    {
        var name = jail.Name;
        string? Value(string key) => files.Get(name, key) is { } v ? v.Trim() : null;
        void Note(string key, string why) => jail.Untranslated.Add($"{key} = {Flat(Value(key) ?? "")}: {why}");

        jail.From.AddRange(files.OwnKeys(name).Select(k => files.Raw(name, k)!.File).Distinct(StringComparer.Ordinal).Select(f => Relative(dir, f)));
        ReadSources(jail, Value("logpath"), Value("backend"), Note);
        if (Value("logencoding") is { } encoding && encoding is not ("auto" or "utf-8" or "UTF-8" or "utf8" or "ascii"))
        {
            Note("logencoding", "ScanJail reads UTF-8 only (invalid bytes are replaced and counted)");
        }
        ReadFilter(jail, dir, Value("filter"), Note);
        jail.FindTime = Duration(Value("findtime"), "findtime", Note, allowForever: false);
        if (Value("maxretry") is { } maxRetry)
        {
            if (int.TryParse(maxRetry, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1_000_000)
            {
                jail.MaxRetry = n;
            }
            else
            {
                Note("maxretry", "not a whole number from 1 to 1000000; ScanJail's default (5) applies");
            }
        }
        ReadBanTime(jail, Value, Note);
        ReadIgnore(jail, Value, Note);
        if (Value("usedns") is { } useDns)
        {
            var mode = useDns.ToLowerInvariant();
            if (mode is "yes" or "no" or "warn" or "raw")
            {
                // raw: fail2ban keeps the name unresolved and bans it as text; ScanJail bans addresses only.
                // warn is fail2ban's default and ScanJail's: written only when it differs.
                jail.UseDns = mode switch { "raw" => "no", "warn" => null, _ => mode };
                if (mode == "raw")
                {
                    Note("usedns", "raw bans host names as text; ScanJail bans addresses only (written as no)");
                }
            }
            else
            {
                Note("usedns", "expected yes, warn or no; ScanJail's default (warn) applies");
            }
        }
        actions.Map(jail, Value("action"));
        foreach (var key in files.OwnKeys(name).Order(StringComparer.Ordinal))
        {
            if (Unsupported.Contains(key))
            {
                Note(key, "ScanJail has no such jail setting");
            }
            else if (!Quiet.Contains(key) && !key.StartsWith("action_", StringComparison.Ordinal) && !key.EndsWith("_log", StringComparison.Ordinal)
                && !key.EndsWith("_backend", StringComparison.Ordinal))
            {
                Note(key, "not a setting the importer knows; check by hand");
            }
        }
    }

    private static void ReadSources(ImportedJail jail, string? logpath, string? backend, Action<string, string> note)
    {
        if (backend is not null && backend.StartsWith("systemd", StringComparison.Ordinal))
        {
            note("backend", "a journald source is not available in ScanJail yet; the jail is written disabled");
            jail.Disabled = "backend = systemd (journald): no journald source in ScanJail yet";
            return;
        }
        foreach (var line in (logpath ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // fail2ban's "PATH head|tail" option: ScanJail starts at the end of a new file, as tail does.
            var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1] is "head" or "tail")
            {
                if (parts[1] == "head")
                {
                    note("logpath", $"'{parts[0]} head' (read from the start) is written as a plain path, read from its end");
                }
                jail.Sources.Add(parts[0]);
                continue;
            }
            jail.Sources.Add(line);
        }
        if (jail.Sources.Count == 0)
        {
            note("logpath", "no log path; the jail is written disabled");
            jail.Disabled = "no logpath";
        }
    }

    private static void ReadFilter(ImportedJail jail, string dir, string? filter, Action<string, string> note)
    {
        var text = (filter ?? "").Replace('\n', ' ').Trim();
        Fail2BanReference? reference = null;
        string? problem = null;
        if (text.Length == 0 || !Fail2BanReference.TryParse(Fail2BanReference.Scheme + text, out reference, out problem))
        {
            note("filter", (problem ?? "no filter") + "; the jail is written disabled");
            jail.Disabled ??= "no usable filter";
            return;
        }
        var path = reference!.PathIn(Path.Combine(dir, "filter.d"));
        if (!File.Exists(path))
        {
            note("filter", $"no filter file {path}; the jail is written disabled");
            jail.Disabled ??= $"filter file {path} is missing";
            return;
        }
        // Keep only what changes the filter: fail2ban passes mode=normal to every filter, used or not.
        var plain = Fail2BanConfig.Load(path, new Dictionary<string, string>());
        var kept = reference.Parameters
            .Where(p => plain.Known.Contains(p.Key) && plain.Option(p.Key) != p.Value)
            .Select(p => $"{p.Key}={Quote(p.Value)}")
            .ToList();
        jail.Filter = Fail2BanReference.Scheme + reference.Target + (kept.Count > 0 ? $"[{string.Join(", ", kept)}]" : "");
    }

    private static string Quote(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/') ? value : $"\"{value.Replace("\"", "", StringComparison.Ordinal)}\"";

    private static void ReadBanTime(ImportedJail jail, Func<string, string?> value, Action<string, string> note)
    {
        var banTime = value("bantime");
        TimeSpan? baseTime = TimeSpan.FromMinutes(10);
        if (banTime is not null)
        {
            if (Fail2BanDuration.TryParse(banTime, out var parsed))
            {
                baseTime = parsed;
                jail.BanTime = BanTimeText.Format(parsed);
            }
            else
            {
                note("bantime", "not a fail2ban time; ScanJail's default (10m) applies");
            }
        }
        if (!IsTrue(value("bantime.increment")))
        {
            return;
        }
        if (baseTime is null)
        {
            note("bantime.increment", "a permanent ban cannot grow");
            return;
        }
        jail.BanTime ??= DurationText.Format(baseTime.Value);
        // fail2ban's default formula doubles the ban for each earlier ban: ScanJail's factor 2.
        jail.IncrementFactor = "2";
        if (value("bantime.factor") is { } factor && factor != "1")
        {
            note("bantime.factor", "fail2ban multiplies each grown ban by it; ScanJail doubles each repeat ban (factor 2)");
        }
        if (value("bantime.maxtime") is { } maxTime)
        {
            if (Fail2BanDuration.TryParse(maxTime, out var cap) && cap is { } c && c >= baseTime.Value)
            {
                jail.IncrementMaxTime = DurationText.Format(c);
            }
            else
            {
                note("bantime.maxtime", "not a time at least as long as bantime; ScanJail's default (1w) applies");
            }
        }
    }

    private static void ReadIgnore(ImportedJail jail, Func<string, string?> value, Action<string, string> note)
    {
        foreach (var item in (value("ignoreip") ?? "").Split((char[])[' ', ',', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (IpNetwork.TryParse(item, out var network))
            {
                jail.IgnoreIp.Add(network!.PrefixLength == (network.Network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
                    ? network.Network.ToString()
                    : network.ToString());
            }
            else
            {
                jail.Untranslated.Add($"ignoreip {item}: only addresses and CIDR blocks are translated (not host names or file: lists)");
            }
        }
        if (value("ignoreself") is { } self)
        {
            jail.IgnoreSelf = IsTrue(self);
        }
        if (value("ignorecommand") is { Length: > 0 })
        {
            note("ignorecommand", "ScanJail runs no command to decide whether to ignore an address");
        }
    }

    private static string? Duration(string? text, string key, Action<string, string> note, bool allowForever)
    {
        if (text is null)
        {
            return null;
        }
        if (Fail2BanDuration.TryParse(text, out var duration) && (duration is not null || allowForever))
        {
            return BanTimeText.Format(duration);
        }
        note(key, "not a positive fail2ban time; ScanJail's default applies");
        return null;
    }

    internal static bool IsTrue(string? text) => text?.Trim().ToLowerInvariant() is "true" or "yes" or "1" or "on";

    internal static string Flat(string text) => text.Replace('\n', ' ').Replace('\r', ' ');

    private static string Relative(string dir, string file) =>
        file.StartsWith(dir + "/", StringComparison.Ordinal) ? file[(dir.Length + 1)..] : file;
}
