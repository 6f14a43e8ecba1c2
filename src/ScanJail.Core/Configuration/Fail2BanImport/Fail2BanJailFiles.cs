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
    private readonly IniLayers _layers;

    private Fail2BanJailFiles() => _layers = new IniLayers(Problems);

    /// <summary>The files read, in order.</summary>
    public List<string> Files => _layers.Files;

    /// <summary>Lines that could not be read, and references that name nothing.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>The jail sections (every section but DEFAULT and INCLUDES), in the order they first appear.</summary>
    public IEnumerable<string> Jails => _layers.SectionOrder.Where(s => s != Default);

    /// <summary>Reads the jail files of the fail2ban directory <paramref name="dir"/>.</summary>
    public static Fail2BanJailFiles Read(string dir)
    {
        var files = new Fail2BanJailFiles();
        files._layers.Read(Path.Combine(dir, "jail.conf"), required: true);
        foreach (var conf in Listed(Path.Combine(dir, "jail.d"), "*.conf"))
        {
            files._layers.Read(conf, required: true);
        }
        files._layers.Read(Path.Combine(dir, "jail.local"), required: false);
        foreach (var local in Listed(Path.Combine(dir, "jail.d"), "*.local"))
        {
            files._layers.Read(local, required: true);
        }
        return files;
    }

    /// <summary>True when the jail itself (not [DEFAULT]) sets <paramref name="key"/>.</summary>
    public bool SetsOwn(string jail, string key) => _layers.Sections.TryGetValue(jail, out var s) && s.ContainsKey(key);

    /// <summary>The keys the jail itself sets.</summary>
    public IEnumerable<string> OwnKeys(string jail) => _layers.Sections.TryGetValue(jail, out var s) ? s.Keys : [];

    /// <summary>Where the value of <paramref name="key"/> for <paramref name="jail"/> was written.</summary>
    public IniValue? Raw(string jail, string key) => Lookup(jail, key) is { } found ? found.List[^1] : null;

    /// <summary>The value of <paramref name="key"/> for <paramref name="jail"/>, interpolated, or null when neither the jail nor [DEFAULT] sets it.</summary>
    public string? Get(string jail, string key) =>
        Lookup(jail, key) is { } found ? Expand(jail, found.List[^1].Text, found.Section, key, found.List.Count - 1, 0) : null;

    private static IEnumerable<string> Listed(string dir, string pattern) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, pattern).Order(StringComparer.Ordinal) : [];

    private (string Section, List<IniValue> List)? Lookup(string section, string key)
    {
        if (_layers.Sections.TryGetValue(section, out var options) && options.TryGetValue(key, out var values))
        {
            return (section, values);
        }
        return section != Default && _layers.Sections.TryGetValue(Default, out var defaults) && defaults.TryGetValue(key, out values)
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
        if (_layers.Sections.TryGetValue(section, out var options) && options.TryGetValue(key, out var values))
        {
            var before = (index ?? values.Count - 1) - 1;
            if (before >= 0)
            {
                return Expand(context, values[before].Text, section, key, before, depth + 1);
            }
        }
        if (section != Default && _layers.Sections.TryGetValue(Default, out var defaults) && defaults.TryGetValue(key, out var inherited))
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
