using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScanJail.Core.Filtering;
using ScanJail.Core.Filtering.Fail2Ban;

namespace ScanJail.Core.Tests.Filtering.Fail2Ban;

/// <summary>
/// Runs fail2ban's own annotated sample logs (Debian package fail2ban, read as data) the way
/// fail2ban's tests/samplestestcase.py defines them: a <c># failJSON:</c> line annotates the next
/// line (match, host, time in the test zone); any other line must not match; <c># filterOptions:</c>
/// rebuilds the filter with parameters; <c># addFILE:</c> appends another sample file. Time is
/// fail2ban's fixed test "now" (2005-08-14 12:00 CEST) in its test zone (CET/CEST).
/// Python <c>test.condition</c>/<c>constraint</c> expressions and journal-only blocks cannot be
/// evaluated here: those lines are counted as skipped, not as agreeing.
/// </summary>
internal static class Fail2BanSamples
{
    public const string FilterDir = "/etc/fail2ban/filter.d";
    public const string TestFilterDir = "/usr/lib/python3/dist-packages/fail2ban/tests/config/filter.d";
    public const string LogDir = "/usr/lib/python3/dist-packages/fail2ban/tests/files/logs";
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1124013600);
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.CreateCustomTimeZone("CET-01CEST-02", TimeSpan.FromHours(1), "CET", "CET", "CEST",
    [
        TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday)),
    ]);

    private static readonly Regex Annotation = new("^#+ ?(failJSON|(?:file|filter)Options|addFILE):(.+)$", RegexOptions.CultureInvariant);

    public sealed record Outcome(string Name, int Tested, int Agreeing, int Skipped, List<string> Differences, string? LoadProblem);

    public static IEnumerable<string> SampleNames() =>
        Directory.EnumerateFiles(LogDir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static Outcome Run(string name)
    {
        var differences = new List<string>();
        int tested = 0, agreeing = 0, skipped = 0;
        var filterPath = Path.Combine(name.StartsWith("zzz-", StringComparison.Ordinal) ? TestFilterDir : FilterDir, name + ".conf");
        var cache = new Dictionary<string, IFilter?>(StringComparer.Ordinal);
        string? loadProblem = null;
        IFilter? Build(Dictionary<string, string> parameters)
        {
            var key = string.Join(",", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
            if (!cache.TryGetValue(key, out var filter))
            {
                cache[key] = filter = Fail2BanFilterLoader.Load(filterPath, parameters, Zone, TimeSpan.FromSeconds(5), out var problems);
                if (filter is null)
                {
                    loadProblem ??= string.Join("; ", problems);
                }
            }
            return filter;
        }
        List<(IFilter? Filter, bool Journal)> filters = [(Build([]), false)];
        var blockSkipped = false;
        Dictionary<string, JsonElement> common = [];
        var files = new List<string> { name };
        for (var f = 0; f < files.Count; f++)
        {
            var lines = File.ReadAllLines(Path.Combine(LogDir, files[f]));
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                JsonElement? expected = null;
                var m = Annotation.Match(line);
                if (m.Success)
                {
                    var json = JsonDocument.Parse(m.Groups[2].Value).RootElement;
                    switch (m.Groups[1].Value)
                    {
                        case "fileOptions":
                            common = json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                            continue;
                        case "addFILE":
                            files.Add(json.GetString()!);
                            continue;
                        case "filterOptions":
                            (filters, blockSkipped) = FilterSet(json, common, Build);
                            continue;
                    }
                    if (i + 1 >= lines.Length)
                    {
                        break;
                    }
                    expected = json;
                    line = lines[++i];
                }
                else if (line.StartsWith('#') || line.Trim().Length == 0)
                {
                    continue;
                }
                if (blockSkipped || filters.Any(x => x.Journal) || (expected?.TryGetProperty("constraint", out _) ?? false))
                {
                    skipped++;
                    continue;
                }
                foreach (var (filter, _) in filters)
                {
                    tested++;
                    var problem = filter is null ? "filter did not load" : Compare(filter, line, expected);
                    if (problem is null)
                    {
                        agreeing++;
                    }
                    else
                    {
                        differences.Add($"{files[f]}:{i + 1}: {problem}: {line}");
                    }
                }
            }
        }
        return new Outcome(name, tested, agreeing, skipped, differences, loadProblem);
    }

    private static (List<(IFilter?, bool)>, bool) FilterSet(JsonElement json, Dictionary<string, JsonElement> common, Func<Dictionary<string, string>, IFilter?> build)
    {
        var sets = json.ValueKind == JsonValueKind.Array ? json.EnumerateArray().ToList() : [json];
        var result = new List<(IFilter?, bool)>();
        var skip = false;
        foreach (var set in sets)
        {
            var options = new Dictionary<string, JsonElement>(common);
            foreach (var p in set.EnumerateObject())
            {
                options[p.Name] = p.Value;
            }
            if (options.ContainsKey("test.condition"))
            {
                skip = true;
            }
            var parameters = options.Where(o => !o.Key.StartsWith("test.", StringComparison.Ordinal))
                .ToDictionary(o => o.Key, o => o.Value.ValueKind == JsonValueKind.String ? o.Value.GetString()! : o.Value.GetRawText());
            var journal = parameters.TryGetValue("logtype", out var logtype) && logtype == "journal";
            result.Add((build(parameters), journal));
        }
        return (result, skip);
    }

    private static string? Compare(IFilter filter, string line, JsonElement? expected)
    {
        var result = filter.Match(line, Now);
        var shouldMatch = expected is { } e && e.TryGetProperty("match", out var m) && m.GetBoolean();
        var matched = result.Outcome == MatchOutcome.Matched;
        if (matched != shouldMatch)
        {
            return matched ? $"matched (host {result.RawHost}) but should not" : "did not match but should";
        }
        if (!matched)
        {
            return null;
        }
        if (expected!.Value.TryGetProperty("host", out var host) && host.ValueKind == JsonValueKind.String && host.GetString() != result.RawHost)
        {
            return $"host {result.RawHost}, expected {host.GetString()}";
        }
        if (expected.Value.TryGetProperty("time", out var time) && time.ValueKind == JsonValueKind.String)
        {
            var local = TimeZoneInfo.ConvertTime(result.Time!.Value, Zone);
            var want = DateTime.ParseExact(time.GetString()!, ["yyyy-M-dTH:m:s", "yyyy-M-dTH:m:s.FFFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.None);
            if (local.DateTime != want)
            {
                return $"time {local.DateTime:yyyy-MM-ddTHH:mm:ss.ffffff}, expected {time.GetString()}";
            }
        }
        return null;
    }
}
