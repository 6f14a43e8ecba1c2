namespace ScanJail.Core.Filtering;

/// <summary>
/// Filters a long run of lines (a file read from its start, a replay) on every core, and hands the
/// results back in the lines' order, so whatever consumes them (counting, a report) sees exactly what
/// one thread would have given. Lines are cut into chunks; each chunk is filtered on the thread pool;
/// at most a few chunks per core are in flight, so memory stays bounded whatever the input's length.
/// Only for filters whose lines are independent (<see cref="IFilter.LinesIndependent"/>); with any
/// other filter, or on one core, everything runs on the calling thread.
/// </summary>
public static class OrderedFiltering
{
    public const int ChunkLines = 4096;

    /// <summary>Each line with its result from every filter (in <paramref name="filters"/>' order); consume each before the next.</summary>
    public static IEnumerable<(string Line, ArraySegment<FilterResult> Results)> Run(IEnumerable<string> lines, IReadOnlyList<IFilter> filters, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(filters);
        if (Environment.ProcessorCount == 1 || filters.Any(f => !f.LinesIndependent))
        {
            return lines.Select(line =>
            {
                var results = new FilterResult[filters.Count];
                MatchAll(line, filters, now, results);
                return (line, new ArraySegment<FilterResult>(results));
            });
        }
        return Parallel(lines, filters, now);
    }

    private static IEnumerable<(string Line, ArraySegment<FilterResult> Results)> Parallel(IEnumerable<string> lines, IReadOnlyList<IFilter> filters, DateTimeOffset now)
    {
        var inFlight = new Queue<Task<(string[] Lines, FilterResult[] Results)>>();
        var window = Environment.ProcessorCount * 2;
        foreach (var chunk in lines.Chunk(ChunkLines))
        {
            inFlight.Enqueue(Task.Run(() =>
            {
                // One array per chunk, filter results of line i at [i * filters.Count ...].
                var results = new FilterResult[chunk.Length * filters.Count];
                for (var i = 0; i < chunk.Length; i++)
                {
                    MatchAll(chunk[i], filters, now, results.AsSpan(i * filters.Count, filters.Count));
                }
                return (chunk, results);
            }));
            if (inFlight.Count >= window)
            {
                foreach (var item in Take(inFlight.Dequeue()))
                {
                    yield return item;
                }
            }
        }
        while (inFlight.Count > 0)
        {
            foreach (var item in Take(inFlight.Dequeue()))
            {
                yield return item;
            }
        }
    }

    private static IEnumerable<(string Line, ArraySegment<FilterResult> Results)> Take(Task<(string[] Lines, FilterResult[] Results)> chunk)
    {
        var (lines, results) = chunk.GetAwaiter().GetResult();
        var width = lines.Length == 0 ? 0 : results.Length / lines.Length;
        for (var i = 0; i < lines.Length; i++)
        {
            yield return (lines[i], new ArraySegment<FilterResult>(results, i * width, width));
        }
    }

    private static void MatchAll(string line, IReadOnlyList<IFilter> filters, DateTimeOffset now, Span<FilterResult> results)
    {
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = filters[i].Match(line, now);
        }
    }
}
