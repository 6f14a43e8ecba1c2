using ScanJail.Core.Actions;
using ScanJail.Core.Filtering;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Stacks a jail's layers (built-in defaults, then <c>defaults:</c>, then each file in load order) into
/// its <see cref="JailConfig"/>. Only an enabled jail must be complete and has its filter and actions
/// loaded and checked, so a shipped jail that is off never blocks a start.
/// </summary>
internal static class JailResolver
{
    public static JailConfig Build(string name, IReadOnlyList<JailLayer> layers, JailLayer? defaults, DefinitionResolver resolver, ConfigErrors errors)
    {
        var merged = defaults is null ? BuiltinDefaults.Layer : defaults.Over(BuiltinDefaults.Layer);
        foreach (var layer in layers)
        {
            merged = layer.Over(merged);
        }
        var last = layers[^1];
        // A jail an admin writes into jail.yaml is meant to run; a shipped one waits to be enabled.
        var enabled = merged.Enabled?.Value ?? layers.Any(l => l.InMainFile);
        var prefix = $"jails.{name}";

        if (enabled)
        {
            Require(merged, last, name, prefix, errors, "source", merged.Sources is not null,
                "an enabled jail needs a log to read: add source: /var/log/FILE (or a list of paths)");
            Require(merged, last, name, prefix, errors, "filter", merged.Filter is not null,
                "an enabled jail needs a filter: add filter: NAME (a file filters/NAME.yaml)");
        }

        var filter = enabled ? ResolveFilter(name, merged.Filter, last, resolver, errors) : null;
        var actions = enabled ? ResolveActions(name, merged.Actions, last, resolver, errors, merged.IgnoreIp!.Value) : Unresolved(merged.Actions);
        var filterRef = merged.Filter?.Value;
        return new JailConfig(
            name,
            enabled,
            merged.Sources?.Value ?? [],
            filter ?? Placeholders.Filter(filterRef?.Name ?? ""),
            filterRef?.Parameters ?? new Dictionary<string, string>(),
            merged.FindTime!.Value,
            merged.MaxRetry!.Value,
            merged.BanTime!.Value,
            merged.IgnoreIp!.Value,
            merged.IgnoreSelf!.Value,
            actions)
        {
            UseDns = merged.UseDns?.Value ?? DnsMode.Warn,
            BanPrefix = merged.BanPrefix?.Value,
        };
    }

    private static void Require(JailLayer merged, JailLayer last, string jail, string prefix, ConfigErrors errors, string key, bool present, string message)
    {
        // A key that is present but wrong already has its own error.
        if (!present && !merged.Given.Contains(key))
        {
            errors.Add(last.File, last.Node, jail, $"{prefix}.{key}", message);
        }
    }

    private static FilterDefinition? ResolveFilter(string jail, Setting<NamedReference>? setting, JailLayer last, DefinitionResolver resolver, ConfigErrors errors)
    {
        if (setting is null)
        {
            return null;
        }
        var (file, at) = Where(setting.File, setting.Value.Node, last);
        var definition = resolver.Filter(setting.Value.Name, file, at, jail, setting.Value.Field);
        if (definition is not null)
        {
            // Built only to check it (bad regex, unknown parameter): the engine builds its own.
            FilterFactory.Create(definition, setting.Value.Parameters, errors, jail);
        }
        return definition;
    }

    private static List<ActionConfig> ResolveActions(
        string jail, Setting<IReadOnlyList<NamedReference>>? setting, JailLayer last, DefinitionResolver resolver, ConfigErrors errors, IReadOnlyList<Net.IpNetwork> ignoreIp)
    {
        var ignored = string.Join(' ', ignoreIp);
        var actions = new List<ActionConfig>();
        foreach (var reference in setting?.Value ?? [])
        {
            var (file, at) = Where(setting!.File, reference.Node, last);
            // A built-in default names no line of its own: the error points at the jail and says where the name came from.
            var field = reference.Node is null ? $"jails.{jail}.actions (default)" : reference.Field;
            if (resolver.Action(reference.Name, file, at, jail, field) is not { } definition)
            {
                continue;
            }
            var parameters = ActionFactory.MergeParameters(definition, reference.Parameters, errors, file, at, jail);
            actions.Add(new ActionConfig(reference.Name, definition, parameters) { IgnoreIp = ignored });
        }
        return actions;
    }

    private static List<ActionConfig> Unresolved(Setting<IReadOnlyList<NamedReference>>? setting) =>
        [.. (setting?.Value ?? []).Select(r => new ActionConfig(r.Name, Placeholders.Action(r.Name), r.Parameters))];

    /// <summary>Where a value was written; a built-in default points at the jail itself.</summary>
    private static (string File, YamlDotNet.RepresentationModel.YamlNode? At) Where(string file, YamlDotNet.RepresentationModel.YamlNode? node, JailLayer last) =>
        file.Length == 0 || node is null ? (last.File, last.Node) : (file, node);
}
