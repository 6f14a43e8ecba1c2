using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;

namespace ScanJail.Bench;

/// <summary>The shipped sshd and attackalert filters, loaded the way a jail loads them.</summary>
internal static class BenchFilters
{
    private static readonly string[] Names = ["sshd", "attackalert"];

    public static IReadOnlyList<IFilter> Load(string repoRoot)
    {
        var errors = new ConfigErrors();
        var filters = Names
            .Select(name => FilterLoader.Load(Path.Combine(repoRoot, "filters", name + ".yaml"), name, errors))
            .Select(def => def is null ? null : FilterFactory.Create(def, new Dictionary<string, string>(), errors, null, new FilterOptions(TimeZoneInfo.Utc)))
            .ToList();
        if (errors.Any || filters.Any(f => f is null))
        {
            throw new InvalidOperationException(string.Join("\n", errors.Items));
        }
        return filters!;
    }
}
