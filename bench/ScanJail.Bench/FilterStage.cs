using System.Diagnostics;
using ScanJail.Core.Filtering;
using ScanJail.Core.Jails;

namespace ScanJail.Bench;

/// <summary>
/// Every line through every filter, failures counted per filter (maxretry 3, findtime 10m) by the
/// line's own time: on one thread (<see cref="Run"/>), or filtered on every core and counted in the
/// lines' order (<see cref="RunOnAllCores"/>, through <see cref="OrderedFiltering"/>): the same counts.
/// </summary>
internal static class FilterStage
{
    public static (TimeSpan Elapsed, long Lines, string Result) RunOnAllCores(string[] lines, IReadOnlyList<IFilter> filters)
    {
        var counters = filters.Select(_ => new FailureCounter(TimeSpan.FromMinutes(10), 3)).ToArray();
        var now = LogGenerator.Start.AddDays(1);
        long failures = 0, bans = 0;
        var watch = Stopwatch.StartNew();
        foreach (var (_, results) in OrderedFiltering.Run(lines, filters, now))
        {
            for (var i = 0; i < results.Count; i++)
            {
                var result = results[i];
                if (result.Outcome == MatchOutcome.Matched && result.Address is { } address)
                {
                    failures++;
                    if (counters[i].Add(address, result.Time ?? now).Ban)
                    {
                        bans++;
                    }
                }
            }
        }
        return (watch.Elapsed, lines.Length, $"{failures:N0} failures, {bans:N0} bans");
    }

    public static (TimeSpan Elapsed, long Lines, string Result) Run(string[] lines, IReadOnlyList<IFilter> filters)
    {
        var counters = filters.Select(_ => new FailureCounter(TimeSpan.FromMinutes(10), 3)).ToArray();
        var now = LogGenerator.Start.AddDays(1);
        long failures = 0, bans = 0;
        var watch = Stopwatch.StartNew();
        foreach (var line in lines)
        {
            for (var i = 0; i < filters.Count; i++)
            {
                var result = filters[i].Match(line, now);
                if (result.Outcome == MatchOutcome.Matched && result.Address is { } address)
                {
                    failures++;
                    if (counters[i].Add(address, result.Time ?? now).Ban)
                    {
                        bans++;
                    }
                }
            }
        }
        return (watch.Elapsed, lines.Length, $"{failures:N0} failures, {bans:N0} bans");
    }
}
