using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Configuration;
using ScanJail.Core.Engine;
using ScanJail.Core.Persistence;

namespace ScanJail.Bench;

/// <summary>
/// The whole engine in replay mode on the generated file: the sshd and attackalert jails read it from
/// its start, with no actions (counting and the ban book only), until every line has been routed.
/// </summary>
internal static class EngineStage
{
    public static (TimeSpan Elapsed, long Lines, string Result) Run(string log, int lines, string repoRoot)
    {
        // The jail file is in a folder of its own, where a relative path would name no file: the engine would wait
        // for it, and the run for lines that never come (`--out out`).
        log = Path.GetFullPath(log);
        var dir = Directory.CreateTempSubdirectory("scanjail-bench-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "jail.yaml"), $"""
                defaults: {"{"} findtime: 10m, maxretry: 3, bantime: 1h, actions: [] {"}"}
                jails:
                  sshd: {"{"} enabled: true, source: {"{"} file: {log}, from: start {"}"}, filter: sshd {"}"}
                  portscan: {"{"} enabled: true, source: {"{"} file: {log}, from: start {"}"}, filter: attackalert, maxretry: 1 {"}"}
                """);
            var loaded = ConfigLoader.Load(dir.FullName, [repoRoot]);
            if (loaded.Config is null)
            {
                throw new InvalidOperationException(string.Join("\n", loaded.Errors));
            }
            using var store = SqliteStore.Open(Path.Combine(dir.FullName, "bench.db"));
            var engine = new Engine(loaded.Config, store, TimeProvider.System, NullLoggerFactory.Instance, () => loaded, new EngineOptions(Replay: true));
            var threads = ToolCpu.Of(Environment.ProcessId);
            var watch = Stopwatch.StartNew();
            engine.StartAsync().GetAwaiter().GetResult();
            while (engine.Counters.LinesRead.Value < lines)
            {
                Task.Delay(1).GetAwaiter().GetResult();
            }
            // Control work goes ahead of the source lanes: wait until the loop has emptied them, so all are counted.
            engine.SettleAsync().GetAwaiter().GetResult();
            var elapsed = watch.Elapsed;
            var result = $"{engine.Counters.Failures.Value:N0} failures, {engine.Counters.Bans.Value:N0} bans (CPU by thread: {ToolCpu.Between(threads, ToolCpu.Of(Environment.ProcessId))})";
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return (elapsed, lines, result);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
