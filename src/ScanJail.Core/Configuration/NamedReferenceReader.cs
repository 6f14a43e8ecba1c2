using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Reads <c>filter:</c> and <c>actions:</c> values: a plain name, or a one-key mapping from a name to
/// its parameters (<c>{ nftables: { port: 22 } }</c>). Parameter values are single values.
/// </summary>
internal static class NamedReferenceReader
{
    public static Setting<NamedReference>? ReadOne(MappingReader map, string key, string what)
    {
        var node = map.Get(key);
        if (node is null)
        {
            return null;
        }
        var reference = Read(map, node, map.FieldName(key), what);
        return reference is null ? null : new Setting<NamedReference>(reference, map.File, node);
    }

    public static Setting<IReadOnlyList<NamedReference>>? ReadList(MappingReader map, string key, string what)
    {
        var node = map.Get(key);
        IReadOnlyList<YamlNode> items;
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode:
                items = [node];
                break;
            case YamlSequenceNode seq:
                items = [.. seq.Children];
                break;
            default:
                map.Error(node, key, $"expected a list of {what}s, such as [log, {{ nftables: {{ port: 22 }} }}]");
                return null;
        }
        var list = new List<NamedReference>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var field = $"{map.FieldName(key)}[{i}]";
            if (Read(map, items[i], field, what) is not { } reference)
            {
                continue;
            }
            if (!seen.Add(reference.Name))
            {
                map.Errors.Add(map.File, items[i], map.Jail, field, $"{what} '{reference.Name}' is listed twice; list each {what} once");
                continue;
            }
            list.Add(reference);
        }
        return new Setting<IReadOnlyList<NamedReference>>(list, map.File, node);
    }

    private static NamedReference? Read(MappingReader map, YamlNode node, string field, string what)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                return CheckName(map, scalar, scalar.Value ?? "", field, what)
                    ? new NamedReference(scalar.Value!, new Dictionary<string, string>(), node, field)
                    : null;
            case YamlMappingNode { Children.Count: 1 } mapping:
                var (keyNode, value) = mapping.Children.First();
                var name = (keyNode as YamlScalarNode)?.Value ?? "";
                if (!CheckName(map, keyNode, name, field, what))
                {
                    return null;
                }
                var parameters = Parameters(map, value, $"{field}.{name}", what);
                return parameters is null ? null : new NamedReference(name, parameters, keyNode, field);
            default:
                map.Errors.Add(map.File, node, map.Jail, field,
                    $"expected a {what} name, or a name with parameters such as {{ NAME: {{ key: value }} }}");
                return null;
        }
    }

    private static Dictionary<string, string>? Parameters(MappingReader map, YamlNode node, string field, string what)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (node)
        {
            case YamlScalarNode { Value: null or "" }:
                return parameters;
            case YamlMappingNode mapping:
                var ok = true;
                foreach (var (keyNode, value) in mapping.Children)
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? "";
                    if (value is YamlScalarNode scalar)
                    {
                        parameters[key] = scalar.Value ?? "";
                    }
                    else
                    {
                        map.Errors.Add(map.File, value, map.Jail, $"{field}.{key}",
                            $"a {what} parameter is a single value (text or number), not a list or mapping");
                        ok = false;
                    }
                }
                return ok ? parameters : null;
            default:
                map.Errors.Add(map.File, node, map.Jail, field,
                    $"the {what}'s parameters must be a mapping such as {{ port: 22 }}");
                return null;
        }
    }

    private static bool CheckName(MappingReader map, YamlNode at, string name, string field, string what)
    {
        if (PlainName.IsValid(name) || (what == "filter" && Filtering.Fail2Ban.Fail2BanReference.Looks(name)))
        {
            return true;
        }
        map.Errors.Add(map.File, at, map.Jail, field,
            name.Length == 0
                ? $"the {what} name is empty; give the name of a file in {what}s/ without .yaml"
                : $"'{name}' is not a valid {what} name: {PlainName.Rule}; it names {what}s/NAME.yaml");
        return false;
    }
}
