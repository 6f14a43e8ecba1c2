using System.Globalization;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// Builds a <see cref="Fail2BanFilter"/> from a fail2ban filter file (with its includes): reads
/// <c>prefregex</c>, <c>failregex</c>, <c>ignoreregex</c>, <c>maxlines</c> and <c>datepattern</c>
/// from <c>[Definition]</c>, translates each regex from Python to .NET and its tags to groups.
/// Every problem names the file and line; nothing half-built is returned.
/// </summary>
public static class Fail2BanFilterLoader
{
    /// <summary>Where fail2ban keeps its filters unless configured otherwise.</summary>
    public const string DefaultFilterDir = "/etc/fail2ban/filter.d";

    public static Fail2BanFilter? Load(string path, IReadOnlyDictionary<string, string> parameters, TimeZoneInfo zone, TimeSpan timeout, out List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        problems = [];
        if (!File.Exists(path))
        {
            problems.Add($"{path}: no such fail2ban filter file");
            return null;
        }
        var config = Fail2BanConfig.Load(path, parameters);
        problems.AddRange(config.Problems);
        foreach (var key in config.Unknown)
        {
            problems.Add($"{path}: the filter has no option '{key}' to set (known: {string.Join(", ", config.Known.Where(k => !k.StartsWith("__", StringComparison.Ordinal) && !k.Contains('/', StringComparison.Ordinal)).Order(StringComparer.Ordinal))})");
        }
        var maxLines = 1;
        if (config.Option("maxlines") is { Length: > 0 } maxText
            && (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out maxLines) || maxLines < 1))
        {
            problems.Add($"{Where(config, "maxlines")}: maxlines '{maxText}' is not a positive whole number");
        }
        var options = RegexOptions.CultureInvariant | (maxLines > 1 ? RegexOptions.Multiline : RegexOptions.None);
        var prefix = Compile(config, "prefregex", options, timeout, problems).FirstOrDefault();
        var fail = Compile(config, "failregex", options, timeout, problems);
        var ignore = Compile(config, "ignoreregex", options, timeout, problems);
        if (fail.Count == 0)
        {
            problems.Add($"{Where(config, "failregex")}: the filter has no failregex");
        }
        var dates = Fail2BanDateDetector.Create(config.Option("datepattern"), out var dateProblem);
        if (dates is null)
        {
            problems.Add($"{Where(config, "datepattern")}: {dateProblem}");
        }
        if (problems.Count > 0)
        {
            return null;
        }
        return new Fail2BanFilter(Path.GetFileNameWithoutExtension(path), prefix, fail, ignore, dates!, zone, maxLines);
    }

    private static string Where(Fail2BanConfig config, string option)
    {
        var (file, line) = config.Where(option);
        return $"{file}:{line}";
    }

    private static List<Regex> Compile(Fail2BanConfig config, string option, RegexOptions options, TimeSpan timeout, List<string> problems)
    {
        var list = new List<Regex>();
        var value = config.Option(option);
        if (value is null)
        {
            return list;
        }
        var (file, line) = config.Where(option);
        var lines = value.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var pattern = lines[i].Trim();
            if (pattern.Length == 0)
            {
                continue;
            }
            if (!PythonRegex.TryTranslate(pattern, out var translated, out var problem))
            {
                problems.Add($"{file}:{line + i}: {option} '{pattern}': {problem}");
                continue;
            }
            try
            {
                list.Add(new Regex(Fail2BanTags.Expand(translated), options, timeout));
            }
            catch (ArgumentException e)
            {
                problems.Add($"{file}:{line + i}: {option} '{pattern}' is not a regular expression .NET can run: {e.Message}");
            }
        }
        return list;
    }
}
