using System.Collections.ObjectModel;
using System.Net;
using BenchmarkDotNet.Attributes;
using ScanJail.Core.Bans;
using ScanJail.Core.Persistence;

namespace ScanJail.Bench.Micro;

/// <summary>
/// What the engine loop writes for one ban when it is idle: a batch of its own (BEGIN, the ban's rows, COMMIT) on a
/// real database file in write-ahead-log mode, as the engine opens it.
/// </summary>
[MemoryDiagnoser]
public class BanWriteBenchmarks
{
    private string? _directory;
    private SqliteStore? _store;
    private Ban? _ban;

    [GlobalSetup]
    public void Open()
    {
        // Made here, not when the class is built: only a run that sets up also cleans up.
        _directory = Directory.CreateTempSubdirectory("scanjail-bench-").FullName;
        _store = SqliteStore.Open(Path.Combine(_directory, "bench.db"));
        var start = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        _ban = new Ban("sshd", IPAddress.Parse("198.18.12.34"), start, start.AddMinutes(10), 5, 1, ReadOnlyDictionary<string, string>.Empty, false);
    }

    [GlobalCleanup]
    public void Close()
    {
        _store?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark]
    public void IdleBanBatch()
    {
        _store!.BeginBatch();
        _store.SaveBan(_ban!);
        _store.CommitBatch();
    }
}
