using ScanJail.Core.Actions;
using ScanJail.Core.Filtering;
using ScanJail.Core.Filtering.Fail2Ban;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Finds filters/NAME.yaml and actions/NAME.yaml in the configuration directory first, then in each
/// shipped set in order, and loads each file once however many jails use it (its errors are recorded once).
/// </summary>
internal sealed class DefinitionResolver(string directory, IReadOnlyList<string> shippedDirs, ConfigErrors errors)
{
    private readonly Dictionary<string, FilterDefinition?> _filters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActionDefinition?> _actions = new(StringComparer.Ordinal);

    public FilterDefinition? Filter(string name, string file, YamlNode? at, string? jail, string field)
    {
        if (Fail2BanReference.Looks(name))
        {
            return Fail2BanFilter(name, file, at, jail, field);
        }
        if (Find("filters", name, "filter", file, at, jail, field) is not { } path)
        {
            return null;
        }
        if (!_filters.TryGetValue(path, out var definition))
        {
            _filters[path] = definition = FilterLoader.Load(path, name, errors);
        }
        return definition;
    }

    /// <summary>
    /// <c>fail2ban:NAME[key=value]</c> or <c>/path/NAME.conf[...]</c>: a fail2ban filter file, found in
    /// <see cref="Fail2BanFilterDir"/> (the environment variable SCANJAIL_FAIL2BAN_FILTERDIR, else
    /// /etc/fail2ban/filter.d). The file is checked when the filter is built.
    /// </summary>
    private FilterDefinition? Fail2BanFilter(string name, string file, YamlNode? at, string? jail, string field)
    {
        if (!Fail2BanReference.TryParse(name, out var reference, out var problem))
        {
            errors.Add(file, at, jail, field, problem!);
            return null;
        }
        var path = reference!.PathIn(Fail2BanFilterDir);
        if (!File.Exists(path))
        {
            errors.Add(file, at, jail, field, $"fail2ban filter '{name}' not found: no file {path} (set SCANJAIL_FAIL2BAN_FILTERDIR to fail2ban's filter.d)");
            return null;
        }
        return new FilterDefinition(name, path, FilterKind.Regex, "fail2ban filter", null, [], [], [], null, null,
            new Dictionary<string, string>()) { Fail2Ban = reference };
    }

    public static string Fail2BanFilterDir =>
        Environment.GetEnvironmentVariable("SCANJAIL_FAIL2BAN_FILTERDIR") is { Length: > 0 } dir ? dir : Fail2BanFilterLoader.DefaultFilterDir;

    public ActionDefinition? Action(string name, string file, YamlNode? at, string? jail, string field)
    {
        if (Find("actions", name, "action", file, at, jail, field) is not { } path)
        {
            return null;
        }
        if (!_actions.TryGetValue(path, out var definition))
        {
            _actions[path] = definition = ActionLoader.Load(path, name, errors);
        }
        return definition;
    }

    private string? Find(string folder, string name, string what, string file, YamlNode? at, string? jail, string field)
    {
        if (!PlainName.IsValid(name))
        {
            errors.Add(file, at, jail, field, $"'{name}' is not a valid {what} name: {PlainName.Rule}");
            return null;
        }
        var candidates = new[] { directory }.Concat(shippedDirs)
            .Select(dir => Path.Combine(dir, folder, name + ".yaml"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            errors.Add(file, at, jail, field,
                $"{what} '{name}' not found; looked for {string.Join(", ", candidates)}: create one of these files or correct the name");
        }
        return found;
    }
}
