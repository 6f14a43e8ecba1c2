using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace ScanJail.Bench.Micro;

/// <summary>
/// Two pieces of an idle ban measured as an idle engine meets them: each call comes after 5 ms of rest, once per
/// iteration. On the machine of docs/latency.md (round 21) what a call touches has left the caches by then, so a
/// rested call costs several times what the same call costs in a loop (<see cref="BanWriteBenchmarks"/>,
/// <see cref="BanLineBenchmarks"/>, whose calls these are, on the same kind of database and logger).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 20, iterationCount: 300, invocationCount: 1)]
public class RestedBenchmarks
{
    private readonly BanWriteBenchmarks _batch = new();
    private readonly BanLineBenchmarks _line = new();

    [GlobalSetup]
    public void Open()
    {
        _batch.Open();
        _line.Open();
    }

    [GlobalCleanup]
    public void Close()
    {
        _line.Close();
        _batch.Close();
    }

    // Blocks on purpose: BenchmarkDotNet runs an iteration's setup synchronously, and the call after it is measured.
    // An instance method, as BenchmarkDotNet wants its setup methods.
    [IterationSetup]
#pragma warning disable RS0030, CA1822
    public void Rest() => Thread.Sleep(5);
#pragma warning restore RS0030, CA1822

    /// <summary>BEGIN, the ban's two rows and COMMIT.</summary>
    [Benchmark]
    public void RestedBanBatch() => _batch.IdleBanBatch();

    /// <summary>The engine's <c>Ban</c> warning, as BanBook writes it.</summary>
    [Benchmark]
    public void RestedBanLine() => _line.BanLine();
}
