using ScanJail.Core.Filtering;

namespace ScanJail.Daemon.Commands;

/// <summary>
/// The outcome of one filter over one file: counts, every match, a few missed lines. A filter whose
/// lines are independent (<see cref="IFilter.LinesIndependent"/>) runs on every core: one thread
/// reads the file in chunks of lines, each chunk is filtered on the thread pool, and the chunks'
/// results are taken back in file order, so the report is the same as one thread's.
/// </summary>
internal sealed class FilterRun
{
    private const int MissedSampleCount = 10;
    private const int ChunkLines = 4096;

    public long Lines { get; private set; }
    public long Matched { get; private set; }
    public long Ignored { get; private set; }
    public long Missed { get; private set; }
    public List<(long Line, string Host, DateTimeOffset Time, string Text)> Matches { get; } = [];
    public List<(long Line, string Text)> MissedSamples { get; } = [];

    public static FilterRun Over(string path, IFilter filter, DateTimeOffset now)
    {
        var run = new FilterRun();
        if (!filter.LinesIndependent || Environment.ProcessorCount == 1)
        {
            foreach (var text in File.ReadLines(path))
            {
                run.Add(text, Outcome.Of(filter.Match(text, now), now));
            }
            return run;
        }
        // At most a few chunks in flight per core: memory stays bounded whatever the file's size.
        var inFlight = new Queue<Task<(string[] Lines, Outcome[] Outcomes)>>();
        var window = Environment.ProcessorCount * 2;
        foreach (var chunk in File.ReadLines(path).Chunk(ChunkLines))
        {
            inFlight.Enqueue(Task.Run(() => (chunk, Array.ConvertAll(chunk, text => Outcome.Of(filter.Match(text, now), now)))));
            if (inFlight.Count >= window)
            {
                run.Add(inFlight.Dequeue().GetAwaiter().GetResult());
            }
        }
        while (inFlight.Count > 0)
        {
            run.Add(inFlight.Dequeue().GetAwaiter().GetResult());
        }
        return run;
    }

    private void Add((string[] Lines, Outcome[] Outcomes) chunk)
    {
        for (var i = 0; i < chunk.Lines.Length; i++)
        {
            Add(chunk.Lines[i], chunk.Outcomes[i]);
        }
    }

    private void Add(string text, Outcome outcome)
    {
        Lines++;
        switch (outcome.Kind)
        {
            case MatchOutcome.Matched:
                Matched++;
                Matches.Add((Lines, outcome.Host!, outcome.Time, text));
                break;
            case MatchOutcome.Ignored:
                Ignored++;
                break;
            default:
                Missed++;
                if (MissedSamples.Count < MissedSampleCount)
                {
                    MissedSamples.Add((Lines, text));
                }
                break;
        }
    }

    /// <summary>What the report keeps of one line's result; the host text is made on the filtering thread.</summary>
    private readonly record struct Outcome(MatchOutcome Kind, string? Host, DateTimeOffset Time)
    {
        // Like fail2ban-regex, report what the filter captured, even a name that is not an address.
        public static Outcome Of(FilterResult result, DateTimeOffset now) => result.Outcome == MatchOutcome.Matched
            ? new Outcome(MatchOutcome.Matched, result.Address?.ToString() ?? result.RawHost ?? "", result.Time ?? now)
            : new Outcome(result.Outcome, null, now);
    }
}
