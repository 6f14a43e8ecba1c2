using System.Diagnostics;
using System.Globalization;
using ScanJail.Bench;

// scanjail-bench: generates the deterministic log and prints the engine's lines per second through
// the sshd and attackalert filters plus counting (medians over several runs), then the same through
// the whole engine (file source, routers, loop) in replay mode. See bench/README.md.
var lines = IntOption(args, "--lines", 1_000_000);
var runs = IntOption(args, "--runs", 5);
var outDir = StringOption(args, "--out", Path.Combine(FindRepoRoot(), "bench", "out"));
Directory.CreateDirectory(outDir);
var log = Path.Combine(outDir, $"bench-{lines}.log");

var watch = Stopwatch.StartNew();
LogGenerator.Write(log, lines);
Console.WriteLine($"log: {log} ({lines:N0} lines, {new FileInfo(log).Length / 1e6:F1} MB, generated in {watch.Elapsed.TotalSeconds:F1} s)");

var filters = BenchFilters.Load(FindRepoRoot());
var text = File.ReadAllLines(log);
var inMemory = Measure(runs, () => FilterStage.Run(text, filters));
Console.WriteLine();
Console.WriteLine($"{"stage",-44} {"lines/s (median)",18} {"min",12} {"max",12}  result");
Print("filters + counting (in memory)", inMemory);

var engine = Measure(runs, () => EngineStage.Run(log, lines, FindRepoRoot()));
Print("engine replay (file source, routers, loop)", engine);
return 0;

static List<(double Rate, string Result)> Measure(int runs, Func<(TimeSpan Elapsed, long Lines, string Result)> stage)
{
    stage(); // warm-up: JIT and regex compilation are not what is measured
    var results = new List<(double, string)>();
    for (var i = 0; i < runs; i++)
    {
        var (elapsed, count, result) = stage();
        results.Add((count / elapsed.TotalSeconds, result));
    }
    return results;
}

static void Print(string name, List<(double Rate, string Result)> results)
{
    var rates = results.Select(r => r.Rate).Order().ToList();
    var median = rates[rates.Count / 2];
    Console.WriteLine($"{name,-44} {median,18:N0} {rates[0],12:N0} {rates[^1],12:N0}  {results[0].Result}");
}

static int IntOption(string[] args, string name, int fallback) =>
    int.Parse(StringOption(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

static string StringOption(string[] args, string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ScanJail.sln")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("run the benchmark from inside the repository");
}
