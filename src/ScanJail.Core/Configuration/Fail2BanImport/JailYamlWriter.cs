using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Configuration.Fail2BanImport;

/// <summary>
/// Writes imported jails as a jail.yaml: every jail complete (no <c>defaults:</c> block, so each jail
/// reads on its own), the fail2ban actions each ScanJail action replaces and what was not translated
/// as comments.
/// </summary>
internal static partial class JailYamlWriter
{
    [GeneratedRegex(@"^[A-Za-z0-9_/][A-Za-z0-9_./-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Plain();

    public static string Write(string dir, IReadOnlyList<string> files, IReadOnlyList<ImportedJail> jails, IReadOnlyList<string> untranslated)
    {
        var text = new StringBuilder();
        text.Append("# jail.yaml written by scanjail import-fail2ban from ").Append(dir).Append('\n');
        text.Append("# read: ").Append(string.Join(", ", files.Select(f => Relative(dir, f)))).Append('\n');
        text.Append("# The enabled fail2ban jails, with fail2ban's own filters (fail2ban:NAME).\n");
        var filterDir = Path.Combine(dir, "filter.d");
        if (filterDir != Filtering.Fail2Ban.Fail2BanFilterLoader.DefaultFilterDir)
        {
            text.Append("# The filters are looked up in /etc/fail2ban/filter.d: run with SCANJAIL_FAIL2BAN_FILTERDIR=")
                .Append(filterDir).Append(" to use this directory's.\n");
        }
        if (untranslated.Count > 0)
        {
            text.Append("# Not translated:\n");
            foreach (var item in untranslated)
            {
                text.Append("#   ").Append(JailImporter.Flat(item)).Append('\n');
            }
        }
        if (jails.Count == 0)
        {
            text.Append("jails: {}\n");
            return text.ToString();
        }
        text.Append("jails:\n");
        foreach (var jail in jails)
        {
            WriteJail(text, jail);
        }
        return text.ToString();
    }

    private static void WriteJail(StringBuilder text, ImportedJail jail)
    {
        text.Append("  ").Append(Scalar(jail.Name)).Append(":\n");
        if (jail.From.Count > 0)
        {
            text.Append("    # from ").Append(string.Join(", ", jail.From)).Append('\n');
        }
        foreach (var item in jail.Untranslated)
        {
            text.Append("    # not translated: ").Append(JailImporter.Flat(item)).Append('\n');
        }
        // Said even when true: a shipped jail of the same name (sshd) is off until enabled.
        if (jail.Disabled is not null)
        {
            text.Append("    enabled: false   # ").Append(JailImporter.Flat(jail.Disabled)).Append('\n');
        }
        else
        {
            text.Append("    enabled: true\n");
        }
        if (jail.Sources.Count == 1)
        {
            text.Append("    source: ").Append(Scalar(jail.Sources[0])).Append('\n');
        }
        else if (jail.Sources.Count > 1)
        {
            text.Append("    source:\n");
            foreach (var source in jail.Sources)
            {
                text.Append("      - ").Append(Scalar(source)).Append('\n');
            }
        }
        Key(text, "filter", jail.Filter);
        Key(text, "findtime", jail.FindTime);
        Key(text, "maxretry", jail.MaxRetry?.ToString(CultureInfo.InvariantCulture));
        if (jail.IncrementFactor is not null)
        {
            text.Append("    bantime:\n");
            text.Append("      base: ").Append(Scalar(jail.BanTime!)).Append('\n');
            text.Append("      increment: { factor: ").Append(jail.IncrementFactor);
            if (jail.IncrementMaxTime is not null)
            {
                text.Append(", maxtime: ").Append(Scalar(jail.IncrementMaxTime));
            }
            text.Append(" }\n");
        }
        else
        {
            Key(text, "bantime", jail.BanTime);
        }
        if (jail.IgnoreIp.Count > 0)
        {
            text.Append("    ignoreip: [").Append(string.Join(", ", jail.IgnoreIp.Select(Scalar))).Append("]\n");
        }
        if (jail.IgnoreSelf is { } self)
        {
            text.Append("    ignoreself: ").Append(self ? "true" : "false").Append('\n');
        }
        if (jail.UseDns is not null)
        {
            // yes/no/warn: words the importer chose, read back as text by jail.yaml's reader.
            text.Append("    usedns: ").Append(jail.UseDns).Append('\n');
        }
        text.Append("    actions:\n");
        foreach (var (name, replaces) in jail.Actions)
        {
            text.Append("      - ").Append(Scalar(name));
            if (replaces.Count > 0)
            {
                text.Append("   # replaces fail2ban's ").Append(JailImporter.Flat(string.Join("; ", replaces)));
            }
            text.Append('\n');
        }
    }

    private static void Key(StringBuilder text, string key, string? value)
    {
        if (value is not null)
        {
            text.Append("    ").Append(key).Append(": ").Append(Scalar(value)).Append('\n');
        }
    }

    /// <summary>Plain when YAML reads it back as the same string; double-quoted otherwise (globs, brackets, "::1").</summary>
    internal static string Scalar(string value)
    {
        var special = value.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "null" or "~" or "y" or "n";
        if (!special && Plain().IsMatch(value))
        {
            return value;
        }
        return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private static string Relative(string dir, string file) =>
        file.StartsWith(dir + "/", StringComparison.Ordinal) ? file[(dir.Length + 1)..] : file;
}
