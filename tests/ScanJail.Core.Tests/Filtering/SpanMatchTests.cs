using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Filtering;

/// <summary>
/// A file source hands the router a line's characters, not a string (<see cref="IFilter.Match(ReadOnlySpan{char}, DateTimeOffset)"/>):
/// every shipped filter must answer exactly as for the string, on every sample line of every shipped
/// filter's log and on those lines edited (a piece put in, a stretch cut out).
/// </summary>
public sealed class SpanMatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Pieces = ["attackalert: ", "src=", "198.18.0.1", " port ", "Failed password for ", " from ", "Invalid user ", "\u00e9", "\uFFFD", " ", "sshd[1]: ", "x"];

    [Fact]
    public void Every_shipped_filter_answers_the_same_for_the_characters_as_for_the_string()
    {
        var filterDir = Path.Combine(RepositoryRoot.Path, "filters");
        var samples = Directory.GetFiles(Path.Combine(filterDir, "samples"), "*.log")
            .SelectMany(File.ReadAllLines).Where(l => !l.StartsWith('#') && l.Length > 0).ToArray();
        var filters = Directory.GetFiles(filterDir, "*.yaml").Order(StringComparer.Ordinal).Select(Build).ToArray();
        Assert.True(filters.Length >= 2 && samples.Length > 100);
        var matched = 0;
        foreach (var line in samples)
        {
            foreach (var filter in filters)
            {
                var expected = filter.Match(line, Now);
                matched += expected.Outcome == MatchOutcome.Matched ? 1 : 0;
                Assert.True(Same(expected, filter.Match(line.AsSpan(), Now)), $"{filter.Name}: {line}");
            }
        }
        // Both filters' samples match in numbers, or the comparison would be of misses only.
        Assert.True(matched > 50, $"only {matched} sample lines matched");
        var inserted = Gen.Elements(samples).SelectMany(line => Gen.Choose(0, line.Length).SelectMany(at => Gen.Elements(Pieces).Select(piece => line.Insert(at, piece))));
        var cut = Gen.Elements(samples).SelectMany(line => Gen.Choose(0, line.Length - 1).SelectMany(at => Gen.Choose(1, 12).Select(n => line.Remove(at, Math.Min(n, line.Length - at)))));
        foreach (var lines in new[] { inserted, cut })
        {
            Prop.ForAll(lines.ToArbitrary(), line => filters.All(f => Same(f.Match(line, Now), f.Match(line.AsSpan(), Now))))
                .Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
        }
    }

    private static bool Same(FilterResult a, FilterResult b) =>
        a.Outcome == b.Outcome && a.RawHost == b.RawHost && Equals(a.Address, b.Address) && a.Time == b.Time
        && (a.Fields ?? new Dictionary<string, string>()).OrderBy(f => f.Key, StringComparer.Ordinal)
            .SequenceEqual((b.Fields ?? new Dictionary<string, string>()).OrderBy(f => f.Key, StringComparer.Ordinal));

    private static IFilter Build(string file)
    {
        var errors = new ConfigErrors();
        var name = Path.GetFileNameWithoutExtension(file);
        var definition = FilterLoader.Load(file, name, errors);
        Assert.NotNull(definition);
        // A generous timeout: this test is about what matches, and the machine may be busy.
        var filter = FilterFactory.Create(definition!, new Dictionary<string, string>(), errors, null, new FilterOptions(TimeZoneInfo.Utc, TimeSpan.FromSeconds(30)));
        Assert.True(filter is not null, string.Join(Environment.NewLine, errors.Items));
        return filter!;
    }
}
