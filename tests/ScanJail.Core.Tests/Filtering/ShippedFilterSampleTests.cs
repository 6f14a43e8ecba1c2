using System.Net;
using System.Text.Json;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Core.Net;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Filtering;

/// <summary>
/// Every shipped filter (filters/*.yaml) against its annotated sample log (filters/samples/NAME.log):
/// a line under <c># expect: {...}</c> must match as described, every other line must not match.
/// <c># parameters: {...}</c> re-creates the filter with those parameters for the lines below it.
/// </summary>
public sealed class ShippedFilterSampleTests
{
    private const string ExpectTag = "# expect:";
    private const string ParametersTag = "# parameters:";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    // A generous timeout: this test is about what matches, and the machine may be busy.
    private static readonly FilterOptions Options = new(TimeZoneInfo.Utc, TimeSpan.FromSeconds(30));

    [Fact]
    public void Every_shipped_filter_matches_its_annotated_samples_and_nothing_else()
    {
        var filterDir = Path.Combine(RepositoryRoot.Path, "filters");
        var files = Directory.GetFiles(filterDir, "*.yaml").Order(StringComparer.Ordinal).ToArray();
        Assert.Contains(files, f => Path.GetFileName(f) == "sshd.yaml");
        Assert.Contains(files, f => Path.GetFileName(f) == "attackalert.yaml");

        var problems = new List<string>();
        var checkedLines = 0;
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var sample = Path.Combine(filterDir, "samples", name + ".log");
            if (!File.Exists(sample))
            {
                problems.Add($"{name}: no sample log at {sample}");
                continue;
            }
            checkedLines += CheckSamples(file, name, sample, problems);
        }
        Assert.True(problems.Count == 0, $"regex timeouts so far: {FilterCounters.RegexTimeouts.Value}" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        Assert.True(checkedLines > 100, $"only {checkedLines} sample lines were checked");
    }

    private static int CheckSamples(string file, string name, string sample, List<string> problems)
    {
        var filter = Build(file, name, new Dictionary<string, string>(), problems);
        if (filter is null)
        {
            return 0;
        }
        var lines = File.ReadAllLines(sample);
        SampleExpectation? expected = null;
        var count = 0;
        var matches = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var where = $"{name}.log:{i + 1}";
            if (line.StartsWith(ExpectTag, StringComparison.Ordinal))
            {
                expected = SampleExpectation.Parse(line[ExpectTag.Length..]);
                continue;
            }
            if (line.StartsWith(ParametersTag, StringComparison.Ordinal))
            {
                var parameters = JsonSerializer.Deserialize<Dictionary<string, string>>(line[ParametersTag.Length..])!;
                filter = Build(file, name, parameters, problems);
                if (filter is null)
                {
                    return count;
                }
                continue;
            }
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }
            count++;
            var result = filter.Match(line, Now);
            if (expected is null)
            {
                if (result.Outcome == MatchOutcome.Matched)
                {
                    problems.Add($"{where}: matched (host {result.RawHost}) but has no expect annotation: {line}");
                }
                continue;
            }
            matches++;
            Compare(where, line, expected, result, problems);
            expected = null;
        }
        if (matches == 0)
        {
            problems.Add($"{name}.log: no annotated line");
        }
        return count;
    }

    private static IFilter? Build(string file, string name, Dictionary<string, string> parameters, List<string> problems)
    {
        var errors = new ConfigErrors();
        var definition = FilterLoader.Load(file, name, errors);
        var filter = definition is null ? null : FilterFactory.Create(definition, parameters, errors, jail: null, Options);
        problems.AddRange(errors.Items.Select(e => e.ToString()));
        return filter;
    }

    private static void Compare(string where, string line, SampleExpectation expected, FilterResult result, List<string> problems)
    {
        if (result.Outcome != MatchOutcome.Matched)
        {
            problems.Add($"{where}: expected a match, got {result.Outcome}: {line}");
            return;
        }
        if (expected.Host is not null && result.RawHost != expected.Host)
        {
            problems.Add($"{where}: host {result.RawHost}, expected {expected.Host}");
        }
        IPAddress? address = null;
        if (expected.AddressGiven)
        {
            address = expected.Address is null ? null : IPAddress.Parse(expected.Address);
        }
        else if (expected.Host is not null && AddressParser.TryParse(expected.Host, out var parsed))
        {
            address = parsed;
        }
        if ((expected.AddressGiven || expected.Host is not null) && !Equals(result.Address, address))
        {
            problems.Add($"{where}: address {result.Address?.ToString() ?? "null"}, expected {address?.ToString() ?? "null"}");
        }
        if (expected.Time is { } time && result.Time != time)
        {
            problems.Add($"{where}: time {result.Time:O}, expected {time:O}");
        }
        foreach (var (key, value) in expected.Fields)
        {
            var actual = result.Fields is not null && result.Fields.TryGetValue(key, out var v) ? v : null;
            if (actual != value)
            {
                problems.Add($"{where}: field {key} = '{actual ?? "(missing)"}', expected '{value}'");
            }
        }
    }
}
