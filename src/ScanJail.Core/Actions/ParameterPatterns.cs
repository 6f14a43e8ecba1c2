using System.Text.RegularExpressions;
using ScanJail.Core.Configuration;

namespace ScanJail.Core.Actions;

/// <summary>
/// <c>patterns:</c> of an action file: per parameter, a regular expression its value must match whole.
/// A parameter written into a tool's own language (the lines of a batch) needs one, so that no value
/// can add syntax (a <c>;</c>, a <c>}</c>, a line break) to what the tool reads.
/// </summary>
internal static class ParameterPatterns
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(500);

    public static Dictionary<string, string> Read(MappingReader reader, IReadOnlyDictionary<string, string> parameters)
    {
        var patterns = new Dictionary<string, string>(StringComparer.Ordinal);
        var map = reader.Mapping("patterns");
        if (map is null)
        {
            return patterns;
        }
        foreach (var (keyNode, valueNode) in map.Node.Children)
        {
            var name = (keyNode as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value ?? "";
            var pattern = map.Scalar(name);
            if (pattern is null)
            {
                continue;
            }
            if (!parameters.TryGetValue(name, out var defaultValue))
            {
                map.Error(keyNode, name, $"'{name}' is not a declared parameter; declare it under parameters: first");
                continue;
            }
            if (!IsValidPattern(pattern, out var problem))
            {
                map.Error(valueNode, name, $"not a usable regular expression: {problem}");
                continue;
            }
            if (!Matches(pattern, defaultValue))
            {
                map.Error(valueNode, name, $"the default value '{defaultValue}' does not match the pattern '{pattern}'");
                continue;
            }
            patterns[name] = pattern;
        }
        return patterns;
    }

    /// <summary>True when <paramref name="value"/> matches <paramref name="pattern"/> from its first to its last character.</summary>
    public static bool Matches(string pattern, string value)
    {
        try
        {
            return Regex.IsMatch(value, $@"\A(?:{pattern})\z", RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static bool IsValidPattern(string pattern, out string problem)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
            problem = "";
            return true;
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
            return false;
        }
    }
}
