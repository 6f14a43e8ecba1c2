using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering;

/// <summary>
/// Compiles a configured pattern with a match timeout: with the linear-time NonBacktracking engine
/// when the pattern allows it, otherwise (backreferences, lookarounds, atomic groups...) compiled
/// backtracking. Never throws: a bad pattern comes back as a problem text.
/// </summary>
internal static class PatternCompiler
{
    public static Regex? TryCompile(string pattern, TimeSpan timeout, out string? problem)
    {
        problem = null;
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, timeout);
        }
        catch (NotSupportedException)
        {
            // The pattern needs backtracking; fall through.
        }
        catch (ArgumentException e)
        {
            problem = $"not a valid regular expression: {e.Message}";
            return null;
        }
        try
        {
            return new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, timeout);
        }
        catch (ArgumentException e)
        {
            problem = $"not a valid regular expression: {e.Message}";
            return null;
        }
    }

    /// <summary>The named groups of <paramref name="regex"/> other than <c>host</c>: they become a failure's fields.</summary>
    public static (string Name, int Number)[] FieldGroups(Regex regex) =>
        [.. regex.GetGroupNames()
            .Where(n => !int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _) && n != HostPatterns.GroupName)
            .Select(n => (n, regex.GroupNumberFromName(n)))];

    public static bool HasHostGroup(Regex regex) => regex.GroupNumberFromName(HostPatterns.GroupName) >= 0;
}
