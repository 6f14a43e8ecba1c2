using System.Collections.ObjectModel;
using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Bans;
using ScanJail.Core.Persistence;

namespace ScanJail.Bench.Micro;

/// <summary>
/// Two pieces of an idle ban measured as an idle engine meets them: each call comes after 5 ms of rest, once per
/// iteration. On the machine of docs/latency.md (round 21) what a call touches has left the caches by then, so a
/// rested call costs several times what the same call costs in a loop (<see cref="BanWriteBenchmarks"/>,
/// <see cref="BanLineBenchmarks"/>). The <c>Ban</c> line goes through the console logger as <c>scanjail run</c>
/// configures it, into the null device.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 20, iterationCount: 300, invocationCount: 1)]
public class RestedBenchmarks
{
    private static readonly IPAddress Address = IPAddress.Parse("198.18.12.34");
    private string? _directory;
    private SqliteStore? _store;
    private Ban? _ban;
    private ILoggerFactory? _loggers;
    private ILogger? _logger;

    [GlobalSetup]
    public void Open()
    {
        _directory = Directory.CreateTempSubdirectory("scanjail-bench-").FullName;
        _store = SqliteStore.Open(Path.Combine(_directory, "bench.db"));
        var start = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        _ban = new Ban("sshd", Address, start, start.AddMinutes(10), 5, 1, ReadOnlyDictionary<string, string>.Empty, false);
        _loggers = BanLineBenchmarks.NullConsole();
        _logger = _loggers.CreateLogger("ScanJail");
    }

    [GlobalCleanup]
    public void Close()
    {
        _loggers?.Dispose();
        _store?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    // Blocks on purpose: BenchmarkDotNet runs an iteration's setup synchronously, and the call after it is measured.
    // An instance method, as BenchmarkDotNet wants its setup methods.
    [IterationSetup]
#pragma warning disable RS0030, CA1822
    public void Rest() => Thread.Sleep(5);
#pragma warning restore RS0030, CA1822

    /// <summary>BEGIN, the ban's two rows and COMMIT, as <see cref="BanWriteBenchmarks.IdleBanBatch"/>.</summary>
    [Benchmark]
    public void RestedBanBatch()
    {
        _store!.BeginBatch();
        _store.SaveBan(_ban!);
        _store.CommitBatch();
    }

    /// <summary>The engine's <c>Ban</c> warning, as BanBook writes it.</summary>
    [Benchmark]
    public void RestedBanLine() => BanLineBenchmarks.Write(_logger!, Address);
}
