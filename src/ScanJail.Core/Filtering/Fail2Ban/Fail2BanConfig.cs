using System.Text;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// A fail2ban filter file with its includes, resolved the way fail2ban resolves it: files read in the
/// order <c>[INCLUDES] before</c>, the file, its <c>.local</c>, <c>after</c> (later values win);
/// <c>%(name)s</c>, <c>%(section/name)s</c> and <c>%(known/name)s</c> interpolation; then
/// <c>&lt;name&gt;</c> tags replaced by options, innermost first (<c>&lt;mdre-&lt;mode&gt;&gt;</c>), with
/// the jail's parameters over <c>[Init]</c> over <c>[Definition]</c> over <c>[DEFAULT]</c>.
/// Tags that name no option (<c>&lt;HOST&gt;</c>, <c>&lt;F-USER&gt;</c>) are left for the regex translator.
/// </summary>
public sealed partial class Fail2BanConfig
{
    private const int MaxDepth = 40;
    private readonly Dictionary<string, string> _combined = new(StringComparer.Ordinal);
    private readonly IniLayers _layers;

    private Fail2BanConfig() => _layers = new IniLayers(Problems);

    /// <summary>The files read, in order.</summary>
    public List<string> Files => _layers.Files;

    /// <summary>Problems found while reading; the filter is unusable when any.</summary>
    public List<string> Problems { get; } = [];

    [GeneratedRegex(@"<([^<>\s]+)>", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    /// <summary>Reads <paramref name="path"/> (a <c>.conf</c> file) with its includes and applies <paramref name="parameters"/>.</summary>
    public static Fail2BanConfig Load(string path, IReadOnlyDictionary<string, string> parameters)
    {
        var config = new Fail2BanConfig();
        config._layers.Read(path);
        var local = Path.ChangeExtension(path, ".local");
        if (File.Exists(local) && !config.Files.Contains(local))
        {
            config._layers.Read(local);
        }
        config.Combine(parameters);
        return config;
    }

    /// <summary>An option of <c>[Definition]</c> after interpolation and tag replacement, or null.</summary>
    public string? Option(string name) => _combined.TryGetValue(name, out var value) ? Substitute(value, 0) : null;

    /// <summary>Where an option of <c>[Definition]</c> (or <c>[Init]</c>/<c>[DEFAULT]</c>) was written.</summary>
    public (string File, int Line) Where(string name)
    {
        foreach (var section in new[] { "Definition", "Init", "DEFAULT" })
        {
            if (_layers.Sections.TryGetValue(section, out var options) && options.TryGetValue(name, out var values))
            {
                return (values[^1].File, values[^1].Line);
            }
        }
        return (Files.Count > 0 ? Files[0] : "", 1);
    }

    /// <summary>Parameters given that the filter declares nowhere (a misspelt option).</summary>
    public List<string> Unknown { get; } = [];

    /// <summary>The names <c>[Init]</c> and <c>[Definition]</c> declare: what a jail may pass as parameters.</summary>
    public IReadOnlyCollection<string> Known => _combined.Keys;

    private void Combine(IReadOnlyDictionary<string, string> parameters)
    {
        foreach (var section in new[] { "DEFAULT", "Definition" })
        {
            if (_layers.Sections.TryGetValue(section, out var options))
            {
                foreach (var key in options.Keys)
                {
                    _combined[key] = Interpolate(section, key, 0);
                }
            }
        }
        // [Init] gives defaults for what a jail may pass; fail2ban lays them over [Definition].
        if (_layers.Sections.TryGetValue("Init", out var init))
        {
            foreach (var key in init.Keys)
            {
                _combined[key] = Interpolate("Init", key, 0);
            }
        }
        _combined.TryAdd("logtype", "file");
        foreach (var (key, value) in parameters)
        {
            if (_combined.TryGetValue(key, out var previous))
            {
                _combined["known/" + key] = previous;
            }
            else
            {
                Unknown.Add(key);
            }
            _combined[key] = value;
        }
    }

    private string Interpolate(string section, string key, int depth)
    {
        var values = Lookup(section, key);
        return values is null ? "" : Expand(section, values[^1].Text, values, depth);
    }

    private List<IniValue>? Lookup(string section, string key)
    {
        if (_layers.Sections.TryGetValue(section, out var options) && options.TryGetValue(key, out var values))
        {
            return values;
        }
        return _layers.Sections.TryGetValue("DEFAULT", out var defaults) && defaults.TryGetValue(key, out values) ? values : null;
    }

    private string Expand(string section, string text, List<IniValue>? own, int depth)
    {
        if (depth > MaxDepth)
        {
            Problems.Add($"{own?[^1].File}:{own?[^1].Line}: %(...)s references nest too deep (a loop?)");
            return text;
        }
        return PercentInterpolation.Expand(text, name => Reference(section, name, own, depth));
    }

    private string Reference(string section, string name, List<IniValue>? own, int depth)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var target = name[..slash];
            var key = name[(slash + 1)..];
            if (target == "known")
            {
                // The value this option had before the file that redefines it (a .local extending a .conf).
                var values = Lookup(section, key);
                return values is { Count: > 1 } ? Expand(section, values[^2].Text, values[..^1], depth + 1) : "";
            }
            return Lookup(target, key) is { } other ? Expand(target, other[^1].Text, other, depth + 1) : "";
        }
        var found = Lookup(section, name) ?? Lookup("Definition", name) ?? Lookup("Init", name);
        if (found is null)
        {
            var at = own is null ? "" : $"{own[^1].File}:{own[^1].Line}: ";
            Problems.Add($"{at}%({name})s names no option in [{section}] or [DEFAULT]");
            return "";
        }
        // A self-reference after a redefinition means the earlier value.
        if (ReferenceEquals(found, own) && found.Count > 1)
        {
            return Expand(section, found[^2].Text, found[..^1], depth + 1);
        }
        return Expand(section, found[^1].Text, found, depth + 1);
    }

    private string Substitute(string value, int depth)
    {
        for (var round = 0; round < MaxDepth; round++)
        {
            var next = Tag().Replace(value, m => TagValue(m.Groups[1].Value) ?? m.Value);
            if (string.Equals(next, value, StringComparison.Ordinal))
            {
                return value;
            }
            value = next;
        }
        _ = depth;
        Problems.Add($"{(Files.Count > 0 ? Files[0] : "")}: <tag> replacement does not settle after {MaxDepth} rounds (tags refer to each other in a loop)");
        return value;
    }

    private string? TagValue(string name)
    {
        if (_combined.TryGetValue(name, out var value))
        {
            return value;
        }
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && name[..slash] != "known" && Lookup(name[..slash], name[(slash + 1)..]) is { } other)
        {
            return Expand(name[..slash], other[^1].Text, other, 0);
        }
        return null;
    }
}
