using System.Net;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Bans;
using ScanJail.Core.Persistence;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Persistence;

/// <summary>
/// The engine loop's batches on a real SQLite file: writes between BeginBatch and CommitBatch share one
/// transaction, are seen by the store's own reads at once, and by another connection (a restart after a
/// kill -9) only once committed.
/// </summary>
public sealed class SqliteStoreBatchTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scanjail-batch-");
    private string DbPath => Path.Combine(_dir.FullName, "sj.db");

    [Fact]
    public void A_batch_is_invisible_to_another_connection_until_committed_and_then_wholly_there()
    {
        using var store = SqliteStore.Open(DbPath);
        using var other = SqliteStore.Open(DbPath);
        store.BeginBatch();
        for (var i = 1; i <= 50; i++)
        {
            store.SaveBan(Ban(i));
        }
        store.RemoveBan("ssh", Address(7));
        store.SaveCheckpoint([new FilePosition("/var/log/auth.log", 1, 2, 300)], [("ssh", Address(99), [T0])], []);
        // The store's own reads see the batch: the increment counts a ban made earlier in it.
        Assert.Equal(1, store.CountPreviousBans("ssh", Address(3), T0.AddDays(-1)));
        Assert.Equal(300, store.Load("/var/log/auth.log")?.Offset);
        Assert.Equal(49, store.LoadBans().Count);
        // Another connection (what a restart would read) sees nothing yet.
        Assert.Empty(other.LoadBans());
        Assert.Null(other.Load("/var/log/auth.log"));

        store.CommitBatch();
        Assert.Equal(49, other.LoadBans().Count);
        Assert.DoesNotContain(other.LoadBans(), b => b.Address.Equals(Address(7)));
        Assert.Equal(300, other.Load("/var/log/auth.log")?.Offset);
        Assert.Single(other.LoadFailures());
    }

    [Fact]
    public void Outside_a_batch_each_write_commits_at_once_and_an_empty_batch_commits_nothing()
    {
        using var store = SqliteStore.Open(DbPath);
        using var other = SqliteStore.Open(DbPath);
        store.BeginBatch();
        store.CommitBatch();
        store.SaveBan(Ban(1));
        Assert.Single(other.LoadBans());
        store.BeginBatch();
        store.WarmUp(); // inside a batch: rolled back to its savepoint, the batch's writes stay
        store.SaveBan(Ban(2));
        store.WarmUp();
        store.CommitBatch();
        Assert.Equal(2, other.LoadBans().Count);
        Assert.DoesNotContain(other.LoadBans(), b => b.Jail == "");
    }

    [Fact]
    public void Batches_of_any_shape_leave_exactly_the_committed_writes()
    {
        // Random sequences of bans, unbans and commits: a reopened store holds exactly the model's bans
        // as of the last commit (what survives a kill -9 after it), and the bans made since, which the
        // journal keeps (their actions may have run); the unbans since are lost, as before the journal.
        Prop.ForAll(
            Gen.Choose(0, 30).ArrayOf().ToArbitrary(),
            steps =>
            {
                var path = Path.Combine(_dir.FullName, $"p{Guid.NewGuid():N}.db");
                var committed = new HashSet<int>();
                var current = new HashSet<int>();
                var journaled = new HashSet<int>();
                using (var store = SqliteStore.Open(path))
                {
                    store.BeginBatch();
                    foreach (var step in steps)
                    {
                        if (step == 0)
                        {
                            store.CommitBatch();
                            committed = [.. current];
                            journaled.Clear();
                            store.BeginBatch();
                        }
                        else if (current.Add(step))
                        {
                            store.SaveBan(Ban(step));
                            journaled.Add(step);
                        }
                        else
                        {
                            current.Remove(step);
                            store.RemoveBan("ssh", Address(step));
                        }
                    }
                    // Not committed: the store is closed as a crash would leave it (the open transaction is lost).
                }
                using var reopened = SqliteStore.Open(path);
                return reopened.LoadBans().Select(b => (int)b.Address.GetAddressBytes()[3]).Order().SequenceEqual(committed.Union(journaled).Order());
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task SyncToDisk_puts_the_commits_in_the_database_file_itself_and_in_a_batch_waits_for_its_commit()
    {
        // The database file alone, without its write-ahead log: what a disk failure or a power cut leaves
        // when the log's pages were still in the page cache.
        using var store = SqliteStore.Open(DbPath);
        store.SaveBan(Ban(1));
        Assert.Empty(BansInFileAlone());
        await store.SyncToDisk().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(BansInFileAlone());

        store.BeginBatch();
        store.SaveBan(Ban(2));
        var synced = store.SyncToDisk();
        Assert.Single(BansInFileAlone()); // asked inside the batch: not before its commit
        Assert.False(synced.IsCompleted);
        store.CommitBatch();
        await synced.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, BansInFileAlone().Count);
    }

    [Fact]
    public async Task Syncs_run_beside_the_writers_and_the_last_one_asked_covers_every_commit_before_it()
    {
        // The sync has a connection and a thread of its own: writes go on while it runs, none is lost or
        // refused, and each request's task completes once the commits made before it are in the file.
        using var store = SqliteStore.Open(DbPath);
        var syncs = new List<Task>();
        for (var i = 1; i <= 60; i++)
        {
            store.BeginBatch();
            store.SaveBan(Ban(i));
            store.CommitBatch();
            syncs.Add(store.SyncToDisk());
        }
        await Task.WhenAll(syncs).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(60, BansInFileAlone().Count);
        Assert.Equal(60, store.LoadBans().Count);
    }

    [Fact]
    public async Task A_sync_asked_just_before_the_store_is_disposed_still_completes()
    {
        var store = SqliteStore.Open(DbPath);
        store.SaveBan(Ban(1));
        var first = store.SyncToDisk();
        store.Dispose(); // waits for a sync that is running, and closes its connection
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(BansInFileAlone());
    }

    private List<Ban> BansInFileAlone()
    {
        var copy = Path.Combine(_dir.FullName, $"copy-{Guid.NewGuid():N}.db");
        File.Copy(DbPath, copy);
        using var store = SqliteStore.Open(copy);
        return [.. store.LoadBans()];
    }

    private static IPAddress Address(int i) => IPAddress.Parse($"198.51.100.{i}");

    private static Ban Ban(int i) => new("ssh", Address(i), T0, T0.AddHours(1), 1, 1, new Dictionary<string, string>());

    public void Dispose() => _dir.Delete(true);
}
