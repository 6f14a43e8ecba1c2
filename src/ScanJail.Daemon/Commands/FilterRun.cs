using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using ScanJail.Core.Filtering;
using ScanJail.Core.Sources;

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

    // Per distinct captured host (its raw text): the reported text and its matches. One look-up per match;
    // a million-line log's matches keep its few thousand hosts, not a string (and the whole line) per match.
    private readonly Dictionary<string, HostTally> _tallies = new(StringComparer.Ordinal);

    private bool _everyMatch = true;

    /// <summary>Matches per reported host text (two raw texts of one address, such as an IPv4-mapped one, add up).</summary>
    public Dictionary<string, int> HostCounts
    {
        get
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var tally in _tallies.Values)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(counts, tally.Host, out _) += tally.Count;
            }
            return counts;
        }
    }

    public List<(long Line, string Text)> MissedSamples { get; } = [];

    /// <summary>
    /// Runs <paramref name="filter"/> over every line of <paramref name="path"/>. A filter whose lines are
    /// independent reads a large file in parts cut at newlines, one per core, and the parts' results are
    /// joined in file order: the same report as one thread, line numbers and samples included. Without
    /// <paramref name="everyMatch"/> only the first <see cref="MatchedSampleCount"/> matches are kept (the
    /// text report prints no more; the counts are the same).
    /// </summary>
    public static FilterRun Over(string path, IFilter filter, DateTimeOffset now, bool everyMatch = true) =>
        Over(path, filter, now, Environment.ProcessorCount, MinimumPartBytes, everyMatch);

    /// <summary>As above, in at most <paramref name="parts"/> parts of at least <paramref name="minimumPart"/> bytes (tests cut small files).</summary>
    internal static FilterRun Over(string path, IFilter filter, DateTimeOffset now, int parts, long minimumPart, bool everyMatch = true, int bufferSize = ByteLines.DefaultBufferSize)
    {
        if (FileSlice.StartsWithByteOrderMark(path))
        {
            // Decoded by its mark, as File.ReadLines does; such a file is read whole, as text.
            return OverText(File.ReadLines(path), filter, now, everyMatch);
        }
        // A filter that carries state between lines (multi-line) must see every line, whatever it holds.
        var screen = filter.LinesIndependent ? LineScreen.For([filter.RequiredLiterals]) : null;
        var cut = FileSlice.Cut(path, filter.LinesIndependent ? parts : 1, minimumPart);
        if (cut.Count == 1)
        {
            return OverBytes(path, cut[0], filter, screen, now, everyMatch, bufferSize);
        }
        var runs = cut.Select(part => Task.Run(() => OverBytes(path, part, filter, screen, now, everyMatch, bufferSize))).ToArray();
        Task.WaitAll(runs);
        var joined = new FilterRun { _everyMatch = everyMatch };
        foreach (var run in runs)
        {
            joined.Append(run.Result);
        }
        return joined;
    }

    /// <summary>The report of decoded lines, each given to the filter: what <see cref="Over(string, IFilter, DateTimeOffset, bool)"/> must equal (tests pin the byte path to it).</summary>
    internal static FilterRun OverText(IEnumerable<string> lines, IFilter filter, DateTimeOffset now, bool everyMatch = true)
    {
        var run = new FilterRun { _everyMatch = everyMatch };
        foreach (var text in lines)
        {
            run.Lines++;
            run.Add(filter.Match(text, now), text, now);
        }
        return run;
    }

    // The lines of one part as bytes: a line holding none of the filter's required literals (LineScreen) is
    // missed without being decoded; any other is decoded as File.ReadLines decodes it (UTF-8, invalid bytes
    // replaced; a part starts after a newline, so no character and no line ending is split between parts).
    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static FilterRun OverBytes(string path, (long Start, long End) part, IFilter filter, LineScreen? screen, DateTimeOffset now, bool everyMatch, int bufferSize)
    {
        var run = new FilterRun { _everyMatch = everyMatch };
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var lines = new ByteLines(handle, part.Start, part.End, bufferSize);
        while (lines.TryRead(out var bytes))
        {
            run.Lines++;
            if (screen is not null && !screen.MayMatch(bytes))
            {
                run.Missed++;
                if (run.MissedSamples.Count < MissedSampleCount)
                {
                    run.MissedSamples.Add((run.Lines, Encoding.UTF8.GetString(bytes)));
                }
                continue;
            }
            var text = Encoding.UTF8.GetString(bytes);
            run.Add(filter.Match(text, now), text, now);
        }
        return run;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Add(FilterResult result, string text, DateTimeOffset now)
    {
        switch (result.Outcome)
        {
            case MatchOutcome.Matched:
                Matched++;
                // Like fail2ban-regex, report what the filter captured, even a name that is not an address.
                var tally = Tally(result);
                tally.Count++;
                if (_everyMatch || Matches.Count < MatchedSampleCount)
                {
                    Matches.Add((Lines, tally.Host, result.Time ?? now, Matches.Count < MatchedSampleCount ? text : ""));
                }
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

    // The next part's results after this one's: its line numbers move on by the lines before it.
    private void Append(FilterRun part)
    {
        foreach (var (line, host, time, text) in part.Matches)
        {
            if (_everyMatch || Matches.Count < MatchedSampleCount)
            {
                Matches.Add((Lines + line, host, time, Matches.Count < MatchedSampleCount ? text : ""));
            }
        }
        foreach (var (line, text) in part.MissedSamples.Take(MissedSampleCount - MissedSamples.Count))
        {
            MissedSamples.Add((Lines + line, text));
        }
        foreach (var (raw, tally) in part._tallies)
        {
            if (_tallies.TryGetValue(raw, out var mine))
            {
                mine.Count += tally.Count;
            }
            else
            {
                _tallies[raw] = tally;
            }
        }
        Lines += part.Lines;
        Matched += part.Matched;
        Ignored += part.Ignored;
        Missed += part.Missed;
    }

    private HostTally Tally(FilterResult result)
    {
        var raw = result.RawHost ?? "";
        if (!_tallies.TryGetValue(raw, out var tally))
        {
            tally = new HostTally(result.Address?.ToString() ?? raw);
            _tallies[raw] = tally;
        }
        return tally;
    }

    private sealed class HostTally(string host)
    {
        public string Host { get; } = host;

        public int Count { get; set; }
    }
}
