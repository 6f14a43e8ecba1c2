using ScanJail.Core.Diagnostics;

namespace ScanJail.Core.Engine;

/// <summary>Engine-wide counters shown by <c>stats</c>. Thread-safe.</summary>
public sealed class EngineCounters
{
    public Counter LinesRead { get; } = new();
    public Counter LinesMatched { get; } = new();
    public Counter LinesIgnored { get; } = new();
    public Counter LinesMissed { get; } = new();
    public Counter Failures { get; } = new();
    public Counter FailuresNotAnAddress { get; } = new();
    public Counter FailuresTooOld { get; } = new();
    public Counter FailuresDnsDropped { get; } = new();
    public Counter FailuresDnsResolved { get; } = new();
    public Counter FailuresDnsUnresolved { get; } = new();
    public Counter FailuresIgnoredAddress { get; } = new();
    public Counter FailuresWhileBanned { get; } = new();
    public Counter Bans { get; } = new();
    public Counter Unbans { get; } = new();
    public Counter EngineErrors { get; } = new();
    public Counter CheckpointErrors { get; } = new();
    public Counter DatabaseErrors { get; } = new();

    public Dictionary<string, long> Snapshot() => new()
    {
        ["lines.read"] = LinesRead.Value,
        ["lines.matched"] = LinesMatched.Value,
        ["lines.ignored"] = LinesIgnored.Value,
        ["lines.missed"] = LinesMissed.Value,
        ["failures"] = Failures.Value,
        ["failures.not-an-address"] = FailuresNotAnAddress.Value,
        ["failures.too-old"] = FailuresTooOld.Value,
        ["failures.dns-dropped"] = FailuresDnsDropped.Value,
        ["failures.dns-resolved"] = FailuresDnsResolved.Value,
        ["failures.dns-unresolved"] = FailuresDnsUnresolved.Value,
        ["failures.ignored-address"] = FailuresIgnoredAddress.Value,
        ["failures.while-banned"] = FailuresWhileBanned.Value,
        ["bans"] = Bans.Value,
        ["unbans"] = Unbans.Value,
        ["engine.errors"] = EngineErrors.Value,
        ["checkpoint.errors"] = CheckpointErrors.Value,
        ["database.errors"] = DatabaseErrors.Value,
        // The runtime's own work: methods compiled (a just-started engine compiles its ban path on first
        // use, and .NET recompiles hot methods optimised in the background) and garbage collections.
        ["runtime.jit.methods"] = System.Runtime.JitInfo.GetCompiledMethodCount(),
        ["runtime.jit.ms"] = (long)System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
        ["runtime.gc.collections"] = GC.CollectionCount(0),
    };
}
