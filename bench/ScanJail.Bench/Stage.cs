namespace ScanJail.Bench;

/// <summary>One row of the table: a measured thing, how many runs it gets, and its lines per second per run.</summary>
internal sealed record Stage(string Name, Func<(TimeSpan Elapsed, long Lines, string Result)> Run, int Runs)
{
    public List<(double Rate, string Result)> Results { get; } = [];

    public double Median => Results.Select(r => r.Rate).Order().ElementAt(Results.Count / 2);

    public void Measure()
    {
        var (elapsed, lines, result) = Run();
        Results.Add((lines / elapsed.TotalSeconds, result));
    }
}
