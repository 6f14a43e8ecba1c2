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

    public long Lines { get; private set; }
    public long Matched { get; private set; }
    public long Ignored { get; private set; }
    public long Missed { get; private set; }
    public List<(long Line, string Host, DateTimeOffset Time, string Text)> Matches { get; } = [];
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
                    run.Matches.Add((run.Lines, result.Address?.ToString() ?? result.RawHost ?? "", result.Time ?? now, text));
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
}
