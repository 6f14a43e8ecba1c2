using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering;

/// <summary>
/// Replaces <c>${name}</c> in a pattern by the parameter's value. Values may themselves hold
/// <c>${...}</c>, and names may be built from values (<c>${only_${mode}}</c>), so expansion repeats,
/// innermost first, until nothing is left; a reference without a value is an error.
/// </summary>
internal static partial class ParameterExpander
{
    private const int MaxRounds = 16;

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NameShape();

    public static bool IsValidName(string name) => NameShape().IsMatch(name);

    public static bool TryExpand(string pattern, IReadOnlyDictionary<string, string> values, out string expanded, out string? problem)
    {
        expanded = pattern;
        problem = null;
        for (var round = 0; round < MaxRounds; round++)
        {
            string? missing = null;
            var next = Reference().Replace(expanded, m =>
            {
                var name = m.Groups[1].Value;
                if (values.TryGetValue(name, out var value))
                {
                    return value;
                }
                missing ??= name;
                return m.Value;
            });
            if (missing is not null)
            {
                var known = values.Count == 0 ? "none" : string.Join(", ", values.Keys.Order(StringComparer.Ordinal));
                problem = $"${{{missing}}} has no value; give it under 'parameters' (this filter's parameters: {known})";
                return false;
            }
            if (string.Equals(next, expanded, StringComparison.Ordinal))
            {
                return true;
            }
            expanded = next;
        }
        problem = $"parameters refer to each other in a loop (still expanding after {MaxRounds} rounds)";
        return false;
    }
}
