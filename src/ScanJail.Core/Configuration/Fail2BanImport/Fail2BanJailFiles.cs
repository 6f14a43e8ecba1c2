using System.Text;
using System.Text.RegularExpressions;
using ScanJail.Core.Filtering.Fail2Ban;

namespace ScanJail.Core.Configuration.Fail2BanImport;

/// <summary>
/// fail2ban's jail configuration as fail2ban stacks it: <c>jail.conf</c>, <c>jail.d/*.conf</c>,
/// <c>jail.local</c>, <c>jail.d/*.local</c> (each with its <c>[INCLUDES] before/after</c>, so
/// <c>paths-debian.conf</c> and <c>paths-common.conf</c> come before <c>jail.conf</c>); later values win.
/// A jail section inherits <c>[DEFAULT]</c>; <c>%(name)s</c> is looked up in the jail, then in
/// <c>[DEFAULT]</c>, with <c>%(__name__)s</c> the jail's name, <c>%(default/name)s</c> and
/// <c>%(section/name)s</c> other sections, and <c>%(known/name)s</c> the value before the last redefinition.
/// </summary>
public sealed partial class Fail2BanJailFiles
{
    private const int MaxDepth = 40;
    private const string Default = "DEFAULT";
    private readonly Dictionary<string, Dictionary<string, List<IniValue>>> _sections = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    private Fail2BanJailFiles()
    {
    }

    /// <summary>The files read, in order.</summary>
    public List<string> Files { get; } = [];

    /// <summary>Lines that could not be read, and references that name nothing.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>The jail sections (every section but DEFAULT and INCLUDES), in the order they first appear.</summary>
    public IEnumerable<string> Jails => _order.Where(s => s != Default);

    /// <summary>Reads the jail files of the fail2ban directory <paramref name="dir"/>.</summary>
    public static Fail2BanJailFiles Read(string dir)
    {
        var files = new Fail2BanJailFiles();
        files.ReadWithIncludes(Path.Combine(dir, "jail.conf"), 0, required: true);
        foreach (var conf in Listed(Path.Combine(dir, "jail.d"), "*.conf"))
        {
            files.ReadWithIncludes(conf, 0, required: true);
        }
        files.ReadWithIncludes(Path.Combine(dir, "jail.local"), 0, required: false);
        foreach (var local in Listed(Path.Combine(dir, "jail.d"), "*.local"))
        {
            files.ReadWithIncludes(local, 0, required: true);
        }
        return files;
    }

    /// <summary>True when the jail itself (not [DEFAULT]) sets <paramref name="key"/>.</summary>
    public bool SetsOwn(string jail, string key) => _sections.TryGetValue(jail, out var s) && s.ContainsKey(key);

    /// <summary>The keys the jail itself sets.</summary>
    public IEnumerable<string> OwnKeys(string jail) => _sections.TryGetValue(jail, out var s) ? s.Keys : [];

    /// <summary>Where the value of <paramref name="key"/> for <paramref name="jail"/> was written.</summary>
    public IniValue? Raw(string jail, string key) => Lookup(jail, key) is { } found ? found.List[^1] : null;

    /// <summary>The value of <paramref name="key"/> for <paramref name="jail"/>, interpolated, or null when neither the jail nor [DEFAULT] sets it.</summary>
    public string? Get(string jail, string key) =>
        Lookup(jail, key) is { } found ? Expand(jail, found.List[^1].Text, found.Section, key, found.List.Count - 1, 0) : null;

    private static IEnumerable<string> Listed(string dir, string pattern) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, pattern).Order(StringComparer.Ordinal) : [];

    private void ReadWithIncludes(string path, int depth, bool required)
    {
        if (depth > 10)
        {
            Problems.Add($"{path}: includes nest too deep (a loop?)");
            return;
        }
        if (!File.Exists(path))
        {
            if (required)
            {
                Problems.Add($"{path}: no such file");
            }
            return;
        }
        var ini = IniFile.Read(path, out var problems);
        Problems.AddRange(problems);
        var includes = ini.Sections.FirstOrDefault(s => s.Name == "INCLUDES").Options;
        var dir = Path.GetDirectoryName(path) ?? ".";
        foreach (var before in Includes(includes, "before", dir))
        {
            ReadWithIncludes(before, depth + 1, required: !before.EndsWith(".local", StringComparison.Ordinal));
        }
        Files.Add(path);
        foreach (var (name, options) in ini.Sections.Where(s => s.Name != "INCLUDES"))
        {
            if (!_sections.TryGetValue(name, out var section))
            {
                _sections[name] = section = new Dictionary<string, List<IniValue>>(StringComparer.Ordinal);
                _order.Add(name);
            }
            foreach (var (key, value) in options)
            {
                if (!section.TryGetValue(key, out var list))
                {
                    section[key] = list = [];
                }
                list.Add(value);
            }
        }
        foreach (var after in Includes(includes, "after", dir))
        {
            ReadWithIncludes(after, depth + 1, required: !after.EndsWith(".local", StringComparison.Ordinal));
        }
    }

    private static IEnumerable<string> Includes(Dictionary<string, IniValue>? includes, string key, string dir) =>
        includes is not null && includes.TryGetValue(key, out var value)
            ? value.Text.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .Select(f => Path.IsPathRooted(f) ? f : Path.Combine(dir, f))
            : [];

    private (string Section, List<IniValue> List)? Lookup(string section, string key)
    {
        if (_sections.TryGetValue(section, out var options) && options.TryGetValue(key, out var values))
        {
            return (section, values);
        }
        return section != Default && _sections.TryGetValue(Default, out var defaults) && defaults.TryGetValue(key, out values)
            ? (Default, values)
            : null;
    }

    /// <summary>
    /// Expands <paramref name="text"/>, value number <paramref name="index"/> of <paramref name="ownKey"/> in
    /// <paramref name="ownSection"/>, as read for jail <paramref name="context"/>.
    /// </summary>
    private string Expand(string context, string text, string ownSection, string ownKey, int index, int depth)
    {
        if (depth > MaxDepth)
        {
            Problems.Add($"[{context}] {ownKey}: %(...)s references nest too deep (a loop?)");
            return text;
        }
        return PercentInterpolation.Expand(text, name => Reference(context, name, ownSection, ownKey, index, depth));
    }

    private string Reference(string context, string name, string ownSection, string ownKey, int index, int depth)
    {
        if (name == "__name__")
        {
            return context;
        }
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var target = name[..slash];
            var key = name[(slash + 1)..];
            if (target == "known")
            {
                return Earlier(context, ownSection, key, key == ownKey ? index : null, depth) ?? "";
            }
            var section = string.Equals(target, "default", StringComparison.OrdinalIgnoreCase) ? Default : target;
            return Lookup(section, key) is { } other
                ? Expand(section == Default ? context : section, other.List[^1].Text, other.Section, key, other.List.Count - 1, depth + 1)
                : Missing(context, name);
        }
        // A value that names itself (action = %(action)s extra) means the value before it.
        if (name == ownKey)
        {
            return Earlier(context, ownSection, name, index, depth) ?? Missing(context, name);
        }
        return Lookup(context, name) is { } found
            ? Expand(context, found.List[^1].Text, found.Section, name, found.List.Count - 1, depth + 1)
            : Missing(context, name);
    }

    /// <summary>
    /// The value <paramref name="key"/> had before value number <paramref name="index"/> (the last one when null):
    /// an earlier one in the same section, else [DEFAULT]'s.
    /// </summary>
    private string? Earlier(string context, string section, string key, int? index, int depth)
    {
        if (_sections.TryGetValue(section, out var options) && options.TryGetValue(key, out var values))
        {
            var before = (index ?? values.Count - 1) - 1;
            if (before >= 0)
            {
                return Expand(context, values[before].Text, section, key, before, depth + 1);
            }
        }
        if (section != Default && _sections.TryGetValue(Default, out var defaults) && defaults.TryGetValue(key, out var inherited))
        {
            return Expand(context, inherited[^1].Text, Default, key, inherited.Count - 1, depth + 1);
        }
        return null;
    }

    private string Missing(string context, string name)
    {
        Problems.Add($"[{context}]: %({name})s names no option in [{context}] or [DEFAULT]");
        return "";
    }
}
