using System.Diagnostics;
using System.Globalization;
using ScanJail.Bench;

// scanjail-bench: generates the deterministic log, then measures on it, in rounds that alternate the
// peers (fail2ban-regex, rg -o) with ScanJail (filters + counting in memory, engine replay, the
// `scanjail regex` command as a process), and prints one table of medians with ratios to the peers.
// See bench/README.md.
var lines = IntOption(args, "--lines", 1_000_000);
var runs = IntOption(args, "--runs", 5);
var peerRuns = IntOption(args, "--peer-runs", 1);
var bans = IntOption(args, "--bans", 200);
// The ban-latency table and the soak run the real scanjail process and need no generated log.
if (args.Contains("--latency") || args.Contains("--soak"))
{
    return QuietRuntime.Relaunch(args) ?? LatencyCommand.Run(args, bans > 0 ? bans : 1000);
}
var repoRoot = FindRepoRoot();
if (args.Length > 0 && args[0] == PublishedJitReplay.ChildFlag)
{
    return PublishedJitReplay.Child(args, repoRoot);
}
var outDir = StringOption(args, "--out", Path.Combine(repoRoot, "bench", "out"));
Directory.CreateDirectory(outDir);
var log = Path.Combine(outDir, $"bench-{lines}.log");

var watch = Stopwatch.StartNew();
LogGenerator.Write(log, lines);
Console.WriteLine($"log: {log} ({lines:N0} lines, {new FileInfo(log).Length / 1e6:F1} MB, generated in {watch.Elapsed.TotalSeconds:F1} s)");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");

var filters = BenchFilters.Load(repoRoot);
// Only the in-memory stages need the lines in memory; left out, they would swell the heap the engine stage's GC walks.
var text = new Lazy<string[]>(() => File.ReadAllLines(log));
var fail2ban = Peers.Fail2BanRegex(log);
var ripgrep = Peers.Ripgrep(log);
var ripgrepPcre = Peers.RipgrepPcre(log);
// --scanjail DIR: the `scanjail regex` row (and with --latency the engine) runs the program published in DIR
// (README: dotnet publish ... -o DIR), ReadyToRun, as admins run it.
var published = StringOption(args, "--scanjail", "");
var regexCommand = Peers.ScanJailRegex(log, repoRoot, published.Length > 0 ? Path.GetFullPath(published) : null);
var stages = new List<Stage>
{
    new(ripgrep.Name, () => ripgrep.Run(lines), runs),
    new(ripgrepPcre.Name, () => ripgrepPcre.Run(lines), runs),
    new("filters + counting (in memory)", () => FilterStage.Run(text.Value, filters), runs),
    new($"filters + counting (in memory, {Environment.ProcessorCount} cores)", () => FilterStage.RunOnAllCores(text.Value, filters), runs),
    new(fail2ban.Name, () => fail2ban.Run(lines), peerRuns),
    // Where the in-memory time goes: each filter alone over every line, nothing counted.
    new($"  {filters[0].Name} filter alone", () => FilterStage.Run(text.Value, [filters[0]]), runs),
    new($"  {filters[1].Name} filter alone", () => FilterStage.Run(text.Value, [filters[1]]), runs),
    new("engine replay (file source, routers, loop)", () => EngineStage.Run(log, lines, repoRoot), runs),
    new("engine replay, as published (no tiering)", () => PublishedJitReplay.Run(log, lines), runs),
    new(regexCommand.Name, () => regexCommand.Run(lines), runs),
};
foreach (var missing in new[] { fail2ban, ripgrep, ripgrepPcre }.Where(p => !p.IsAvailable))
{
    Console.WriteLine($"{missing.Program} is not installed: {missing.Name} is left out (scripts/setup installs it)");
    stages.RemoveAll(s => s.Name == missing.Name);
}
stages.RemoveAll(s => s.Runs <= 0); // --peer-runs 0 leaves fail2ban-regex out
// --only TEXT keeps the stages whose name contains TEXT (to profile one stage, e.g. --only replay).
var only = StringOption(args, "--only", "");
stages.RemoveAll(s => !s.Name.Contains(only, StringComparison.Ordinal));

Stage.PrintEachRun = args.Contains("--per-run");
// --alloc-sample: which types the measured runs allocate (see AllocationSampler); the warm-up is left out.
AllocationSampler? sampler = null;
// Warm-up: JIT and regex compilation in this process, and the page cache for every process.
foreach (var stage in stages.Where(s => s.Name != fail2ban.Name))
{
    stage.Measure();
}
stages.ForEach(s => { s.Results.Clear(); s.Gc.Clear(); });
if (args.Contains("--alloc-sample"))
{
    sampler = new AllocationSampler();
}
// Rounds: every stage once per round, peers and ScanJail alternating, so a noisy minute hits all alike.
var rounds = stages.Max(s => s.Runs);
for (var round = 0; round < rounds; round++)
{
    foreach (var stage in stages.Where(s => s.Results.Count < s.Runs))
    {
        stage.Measure();
    }
}

var fail2banRate = stages.FirstOrDefault(s => s.Name == fail2ban.Name)?.Median;
var ripgrepRate = stages.FirstOrDefault(s => s.Name == ripgrep.Name)?.Median;
var pcreRate = stages.FirstOrDefault(s => s.Name == ripgrepPcre.Name)?.Median;
Console.WriteLine();
Console.WriteLine($"{"stage",-44} {"runs",4} {"lines/s (median)",17} {"min",11} {"max",11} {"x fail2ban",10} {"x rg",6} {"x rg -P",7}  result");
foreach (var stage in stages)
{
    var rates = stage.Results.Select(r => r.Rate).Order().ToList();
    var versus2b = fail2banRate is { } f ? $"{stage.Median / f:F1}" : "-";
    var versusRg = ripgrepRate is { } r ? $"{stage.Median / r:F2}" : "-";
    var versusPcre = pcreRate is { } p ? $"{stage.Median / p:F2}" : "-";
    Console.WriteLine($"{stage.Name,-44} {rates.Count,4} {stage.Median,17:N0} {rates[0],11:N0} {rates[^1],11:N0} {versus2b,10} {versusRg,6} {versusPcre,7}  {stage.Results.OrderBy(x => x.Rate).ElementAt(stage.Results.Count / 2).Result}");
}

// The garbage collector's share, for the stages that run in this process (GC settings: the engine's own,
// from Directory.Build.props, so these are the figures the daemon sees).
var inProcess = stages.Where(s => s.Gc.Count > 0 && s.Gc.Max(g => g.Allocated) > 1_000_000).ToList();
if (inProcess.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine($"{"in-process stage, per run (median)",-44} {"MB allocated",12} {"gen0",6} {"gen1",6} {"gen2",6} {"GC paused ms",12} {"CPU s",6}  (server GC: {System.Runtime.GCSettings.IsServerGC}, latency mode {System.Runtime.GCSettings.LatencyMode})");
    foreach (var stage in inProcess)
    {
        var gc = stage.Gc.OrderBy(g => g.Paused).ElementAt(stage.Gc.Count / 2);
        Console.WriteLine($"{stage.Name,-44} {gc.Allocated / 1e6,12:N0} {gc.Gen0,6} {gc.Gen1,6} {gc.Gen2,6} {gc.Paused.TotalMilliseconds,12:N0} {gc.Cpu.TotalSeconds,6:F2}");
    }
}

sampler?.Print(30);
sampler?.Dispose();

if (bans > 0)
{
    Console.WriteLine();
    LatencyCommand.Run(args, bans);
}
return 0;

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
