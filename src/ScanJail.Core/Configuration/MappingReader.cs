using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Reads the keys of one YAML mapping, reporting type errors with file, line, column, jail and field,
/// and - once the caller is done - every key it never asked for (unknown keys are errors).
/// </summary>
public sealed class MappingReader
{
    private readonly HashSet<string> _asked = new(StringComparer.Ordinal);

    public MappingReader(YamlMappingNode node, string file, string? jail, string fieldPrefix, ConfigErrors errors)
    {
        Node = node;
        File = file;
        Jail = jail;
        FieldPrefix = fieldPrefix;
        Errors = errors;
    }

    public YamlMappingNode Node { get; }
    public string File { get; }
    public string? Jail { get; }
    /// <summary>Dotted path of this mapping, for example <c>jails.ssh</c>; empty at the top.</summary>
    public string FieldPrefix { get; }
    public ConfigErrors Errors { get; }

    public string FieldName(string key) => FieldPrefix.Length == 0 ? key : $"{FieldPrefix}.{key}";

    public void Error(YamlNode? at, string key, string message) => Errors.Add(File, at ?? Node, Jail, FieldName(key), message);

    public bool Has(string key) => Get(key) is not null;

    /// <summary>The raw node under <paramref name="key"/>, or null; marks the key as known.</summary>
    public YamlNode? Get(string key)
    {
        _asked.Add(key);
        return Node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    public string? Scalar(string key)
    {
        var node = Get(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }
        Error(node, key, "expected a single value (text), found a list or mapping");
        return null;
    }

    public int? Number(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Error(Get(key), key, $"expected a whole number from {min} to {max}, found '{text}'");
            return null;
        }
        return value;
    }

    public bool? Flag(string key)
    {
        var text = Scalar(key);
        switch (text)
        {
            case null: return null;
            case "true" or "yes" or "on": return true;
            case "false" or "no" or "off": return false;
            default:
                Error(Get(key), key, $"expected true or false, found '{text}'");
                return null;
        }
    }

    /// <summary>A list of scalars; a single scalar is accepted as a one-item list.</summary>
    public IReadOnlyList<(string Value, YamlNode Node)>? StringList(string key)
    {
        var node = Get(key);
        switch (node)
        {
            case null: return null;
            case YamlScalarNode scalar: return [(scalar.Value ?? "", scalar)];
            case YamlSequenceNode seq:
                var list = new List<(string, YamlNode)>();
                foreach (var item in seq.Children)
                {
                    if (item is YamlScalarNode s)
                    {
                        list.Add((s.Value ?? "", s));
                    }
                    else
                    {
                        Error(item, key, "expected a list of single values, found a nested list or mapping");
                    }
                }
                return list;
            default:
                Error(node, key, "expected a list, found a mapping");
                return null;
        }
    }

    /// <summary>A nested mapping under <paramref name="key"/>, as its own reader.</summary>
    public MappingReader? Mapping(string key, string? jail = null)
    {
        var node = Get(key);
        if (node is null)
        {
            return null;
        }
        if (node is not YamlMappingNode map)
        {
            Error(node, key, "expected a mapping (key: value lines)");
            return null;
        }
        return new MappingReader(map, File, jail ?? Jail, FieldName(key), Errors);
    }

    /// <summary>Reports each key of this mapping that no call asked for, with the keys that are allowed.</summary>
    public void ReportUnknownKeys()
    {
        foreach (var (keyNode, _) in Node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!_asked.Contains(key))
            {
                var known = string.Join(", ", _asked.Order(StringComparer.Ordinal));
                Errors.Add(File, keyNode, Jail, FieldName(key), $"unknown key '{key}'; known keys here: {known}");
            }
        }
    }
}
