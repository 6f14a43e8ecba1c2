using ScanJail.Core.Filtering;

namespace ScanJail.Daemon.Commands;

/// <summary>
/// The outcome of one filter over one file: counts, every match, a few missed lines. One thread:
/// filtering on every core (<see cref="OrderedFiltering"/>) measured slower on the shared 2-core
/// machine (docs/performance.md, round 3).
/// </summary>
internal sealed class FilterRun
{
    private const int MissedSampleCount = 10;

    /// <summary>Matches whose line text is kept (the report prints the first ten); the others keep none.</summary>
    public const int MatchedSampleCount = 10;

    public long Lines { get; private set; }
    public long Matched { get; private set; }
    public long Ignored { get; private set; }
    public long Missed { get; private set; }
    public List<(long Line, string Host, DateTimeOffset Time, string Text)> Matches { get; } = [];

    // One host text per distinct captured host: a million-line log's matches keep its few thousand hosts,
    // not a string (and the whole line) per match, which the GC carried to its oldest generation.
    private readonly Dictionary<string, string> _hosts = new(StringComparer.Ordinal);
    public List<(long Line, string Text)> MissedSamples { get; } = [];

    public static FilterRun Over(string path, IFilter filter, DateTimeOffset now)
    {
        var run = new FilterRun();
        foreach (var text in File.ReadLines(path))
        {
            run.Lines++;
            var result = filter.Match(text, now);
            switch (result.Outcome)
            {
                case MatchOutcome.Matched:
                    run.Matched++;
                    // Like fail2ban-regex, report what the filter captured, even a name that is not an address.
                    run.Matches.Add((run.Lines, run.HostText(result), result.Time ?? now, run.Matches.Count < MatchedSampleCount ? text : ""));
                    break;
                case MatchOutcome.Ignored:
                    run.Ignored++;
                    break;
                default:
                    run.Missed++;
                    if (run.MissedSamples.Count < MissedSampleCount)
                    {
                        run.MissedSamples.Add((run.Lines, text));
                    }
                    break;
            }
        }
        return run;
    }

    private string HostText(FilterResult result)
    {
        var raw = result.RawHost ?? "";
        if (!_hosts.TryGetValue(raw, out var host))
        {
            host = result.Address?.ToString() ?? raw;
            _hosts[raw] = host;
        }
        return host;
    }
}
