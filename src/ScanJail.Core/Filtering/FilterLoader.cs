using ScanJail.Core.Configuration;
using ScanJail.Core.Time;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Filtering;

/// <summary>
/// Reads <c>filters/NAME.yaml</c> (schema in docs/filters.md). Checks what can be checked without
/// parameters (kinds, keys, the grammar's name, the date pattern, parameter names); regexes are
/// checked by <see cref="FilterFactory"/> once parameters are known.
/// </summary>
public static class FilterLoader
{
    /// <summary>Reads filters/NAME.yaml; records every problem in <paramref name="errors"/> and returns null if unusable.</summary>
    public static FilterDefinition? Load(string path, string name, ConfigErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Items.Count;
        var root = YamlFile.LoadMapping(path, errors);
        if (root is null)
        {
            return null;
        }
        var reader = new MappingReader(root, path, null, "", errors);
        var description = reader.Scalar("description");
        var kind = ReadKind(reader);
        var prefix = Patterns(reader, "prefix", single: true);
        var failRegex = Patterns(reader, "failregex", single: false);
        var ignoreRegex = Patterns(reader, "ignoreregex", single: false);
        var precheck = ReadPrecheck(reader);
        var datePattern = ReadDatePattern(reader);
        var grammar = ReadGrammar(reader);
        var parameters = ReadParameters(reader);
        reader.ReportUnknownKeys();

        if (kind == FilterKind.Regex)
        {
            if (failRegex.Count == 0)
            {
                reader.Error(reader.Get("failregex"), "failregex", "a filter of kind regex needs at least one failregex (a regex with <HOST>)");
            }
            if (grammar is not null)
            {
                reader.Error(reader.Get("grammar"), "grammar", "grammar is for filters of kind grammar; add 'kind: grammar' or remove it");
            }
        }
        else
        {
            if (grammar is null && !reader.Has("grammar"))
            {
                reader.Error(null, "grammar", $"a filter of kind grammar needs 'grammar: NAME' (known: {string.Join(", ", GrammarRegistry.Names)})");
            }
            foreach (var key in new[] { "failregex", "prefix" })
            {
                if (reader.Has(key))
                {
                    reader.Error(reader.Get(key), key, $"{key} is for filters of kind regex; a grammar filter reads lines with its grammar");
                }
            }
        }
        if (errors.Items.Count > before)
        {
            return null;
        }
        return new FilterDefinition(name, path, kind, description, prefix.FirstOrDefault()?.Pattern, failRegex, ignoreRegex,
            precheck, datePattern, grammar, parameters)
        {
            PrefixPattern = prefix.FirstOrDefault(),
        };
    }

    private static FilterKind ReadKind(MappingReader reader)
    {
        switch (reader.Scalar("kind"))
        {
            case null or "regex": return FilterKind.Regex;
            case "grammar": return FilterKind.Grammar;
            case var other:
                reader.Error(reader.Get("kind"), "kind", $"unknown kind '{other}'; use regex or grammar");
                return FilterKind.Regex;
        }
    }

    private static List<FilterPattern> Patterns(MappingReader reader, string key, bool single)
    {
        var patterns = new List<FilterPattern>();
        if (single)
        {
            if (reader.Scalar(key) is { } text)
            {
                patterns.Add(At(text, reader.Get(key)!));
            }
            return patterns;
        }
        foreach (var (text, node) in reader.StringList(key) ?? [])
        {
            if (text.Length == 0)
            {
                reader.Error(node, key, "an empty pattern matches every line; remove it");
                continue;
            }
            patterns.Add(At(text, node));
        }
        return patterns;
    }

    private static FilterPattern At(string text, YamlNode node) => new(text, (int)node.Start.Line, (int)node.Start.Column);

    private static List<string> ReadPrecheck(MappingReader reader)
    {
        var literals = new List<string>();
        foreach (var (text, node) in reader.StringList("precheck") ?? [])
        {
            if (text.Length == 0)
            {
                reader.Error(node, "precheck", "an empty precheck string lets every line through; remove it");
                continue;
            }
            literals.Add(text);
        }
        return literals;
    }

    private static string? ReadDatePattern(MappingReader reader)
    {
        var text = reader.Scalar("datepattern");
        if (text is not null && !DatePattern.TryCreate(text, out _, out var problem))
        {
            reader.Error(reader.Get("datepattern"), "datepattern", problem!);
            return null;
        }
        return text;
    }

    private static string? ReadGrammar(MappingReader reader)
    {
        var text = reader.Scalar("grammar");
        if (text is not null && !GrammarRegistry.TryGet(text, out _))
        {
            reader.Error(reader.Get("grammar"), "grammar", $"unknown grammar '{text}'; known grammars: {string.Join(", ", GrammarRegistry.Names.Order(StringComparer.Ordinal))}");
            return null;
        }
        return text;
    }

    private static Dictionary<string, string> ReadParameters(MappingReader reader)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var map = reader.Mapping("parameters");
        if (map is null)
        {
            return parameters;
        }
        // Parameter names are the filter's own, so there are no unknown keys here: every key is read.
        foreach (var (keyNode, valueNode) in map.Node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!ParameterExpander.IsValidName(key))
            {
                map.Error(keyNode, key, "a parameter name is letters, digits and _ (not starting with a digit), used in patterns as ${name}");
                continue;
            }
            if (valueNode is not YamlScalarNode value)
            {
                map.Error(valueNode, key, "a parameter's default is a single value (text)");
                continue;
            }
            parameters[key] = value.Value ?? "";
        }
        return parameters;
    }
}
