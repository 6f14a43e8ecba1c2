namespace ScanJail.Bench;

/// <summary>One row of the table: a measured thing, how many runs it gets, and its lines per second per run.</summary>
internal sealed record Stage(string Name, Func<(TimeSpan Elapsed, long Lines, string Result)> Run, int Runs)
{
    public List<(double Rate, string Result)> Results { get; } = [];

    /// <summary>What each run cost this process's garbage collector (nothing for a stage that runs another program).</summary>
    public List<GcWork> Gc { get; } = [];

    /// <summary>--per-run: each run's figures on standard error as it ends (the warm-up run's first), to see the JIT settle.</summary>
    public static bool PrintEachRun { get; set; }

    public double Median => Results.Select(r => r.Rate).Order().ElementAt(Results.Count / 2);

    public void Measure()
    {
        var before = GcWork.Now();
        var (elapsed, lines, result) = Run();
        Gc.Add(GcWork.Now() - before);
        Results.Add((lines / elapsed.TotalSeconds, result));
        if (PrintEachRun)
        {
            var g = Gc[^1];
            Console.Error.WriteLine($"{Name}: {lines / elapsed.TotalSeconds:N0} lines/s gen0 {g.Gen0} gen1 {g.Gen1} gen2 {g.Gen2} paused {g.Paused.TotalMilliseconds:F0} ms cpu {g.Cpu.TotalSeconds:F2} {result}");
        }
    }
}

/// <summary>
/// Collections, bytes allocated, time paused and this process's CPU time: the share of a run the GC took, and
/// a cost that a loaded machine inflates less than wall time (other processes take turns, not CPU seconds).
/// </summary>
internal readonly record struct GcWork(int Gen0, int Gen1, int Gen2, long Allocated, TimeSpan Paused, TimeSpan Cpu)
{
    public static GcWork Now() => new(
        GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(),
        System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime);

    public static GcWork operator -(GcWork a, GcWork b) =>
        new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Allocated - b.Allocated, a.Paused - b.Paused, a.Cpu - b.Cpu);
}
