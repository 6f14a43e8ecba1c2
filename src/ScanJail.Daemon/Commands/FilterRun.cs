using System.Runtime.InteropServices;
using System.Text;
using ScanJail.Core.Filtering;

namespace ScanJail.Daemon.Commands;

/// <summary>
/// The outcome of one filter over one file: counts, every match, a few missed lines. A large file is
/// read in parts, one per core (each part's lines filtered by its own thread, no hand-off per line or
/// chunk), and the parts joined in order (docs/performance.md, round 6).
/// </summary>
internal sealed class FilterRun
{
    private const int MissedSampleCount = 10;

    // Below this much per part, a file is read on one thread: starting a second costs more than it saves.
    private const long MinimumPartBytes = 4 * 1024 * 1024;

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

    /// <summary>Matches per reported host text, counted as they come (a GroupBy of every match cost 6 % of a run).</summary>
    public Dictionary<string, int> HostCounts { get; } = new(StringComparer.Ordinal);
    public List<(long Line, string Text)> MissedSamples { get; } = [];

    /// <summary>
    /// Runs <paramref name="filter"/> over every line of <paramref name="path"/>. A filter whose lines are
    /// independent reads a large file in parts cut at newlines, one per core, and the parts' results are
    /// joined in file order: the same report as one thread, line numbers and samples included.
    /// </summary>
    public static FilterRun Over(string path, IFilter filter, DateTimeOffset now) =>
        Over(path, filter, now, Environment.ProcessorCount, MinimumPartBytes);

    /// <summary>As above, in at most <paramref name="parts"/> parts of at least <paramref name="minimumPart"/> bytes (tests cut small files).</summary>
    internal static FilterRun Over(string path, IFilter filter, DateTimeOffset now, int parts, long minimumPart)
    {
        var cut = FileSlice.Cut(path, filter.LinesIndependent ? parts : 1, minimumPart);
        if (cut.Count == 1)
        {
            return OverLines(File.ReadLines(path), filter, now);
        }
        var runs = cut.Select(part => Task.Run(() => OverLines(ReadLines(path, part.Start, part.End), filter, now))).ToArray();
        Task.WaitAll(runs);
        var joined = new FilterRun();
        foreach (var run in runs)
        {
            joined.Append(run.Result);
        }
        return joined;
    }

    private static FilterRun OverLines(IEnumerable<string> lines, IFilter filter, DateTimeOffset now)
    {
        var run = new FilterRun();
        foreach (var text in lines)
        {
            run.Lines++;
            var result = filter.Match(text, now);
            switch (result.Outcome)
            {
                case MatchOutcome.Matched:
                    run.Matched++;
                    // Like fail2ban-regex, report what the filter captured, even a name that is not an address.
                    var host = run.HostText(result);
                    run.Matches.Add((run.Lines, host, result.Time ?? now, run.Matches.Count < MatchedSampleCount ? text : ""));
                    CollectionsMarshal.GetValueRefOrAddDefault(run.HostCounts, host, out _)++;
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

    // The lines of one part, decoded as File.ReadLines decodes the whole file (UTF-8, invalid bytes replaced;
    // a part starts after a newline, so no character and no line ending is split between parts).
    private static IEnumerable<string> ReadLines(string path, long start, long end)
    {
        using var reader = new StreamReader(new FileSlice(path, start, end), Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    // The next part's results after this one's: its line numbers move on by the lines before it.
    private void Append(FilterRun part)
    {
        foreach (var (line, host, time, text) in part.Matches)
        {
            Matches.Add((Lines + line, host, time, Matches.Count < MatchedSampleCount ? text : ""));
        }
        foreach (var (line, text) in part.MissedSamples.Take(MissedSampleCount - MissedSamples.Count))
        {
            MissedSamples.Add((Lines + line, text));
        }
        foreach (var (host, count) in part.HostCounts)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(HostCounts, host, out _) += count;
        }
        Lines += part.Lines;
        Matched += part.Matched;
        Ignored += part.Ignored;
        Missed += part.Missed;
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
