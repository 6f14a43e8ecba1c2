using System.Net;
using Microsoft.Data.Sqlite;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Persistence;

/// <summary>The engine loop's batches (one commit for many writes) and the checkpoint of positions and failures.</summary>
public sealed partial class SqliteStore
{
    // SyncToDisk was asked for during a batch: done once the batch commits (completed then).
    private TaskCompletionSource? _syncAtCommit;
    private BackgroundSync? _sync;

    /// <summary>True between <see cref="BeginBatch"/> and <see cref="CommitBatch"/>: a write is durable only once the batch commits.</summary>
    public bool Batching
    {
        get
        {
            lock (_gate)
            {
                return _batching;
            }
        }
    }

    /// <summary>From here until <see cref="CommitBatch"/>, writes join one transaction.</summary>
    public void BeginBatch()
    {
        lock (_gate)
        {
            _batching = true;
        }
    }

    /// <summary>
    /// Writes the rows of the batch's journaled bans, commits the batch's writes, if there were any, and ends the
    /// batch; the journal is then emptied. When this returns, they are in the database's write-ahead log
    /// (synchronous=NORMAL): a crash of the process, kill -9 included, keeps them. The disk has them after the
    /// next <see cref="SyncToDisk"/>. On an error the batch is ended all the same (rolled back), the journal kept,
    /// and the error thrown.
    /// </summary>
    public void CommitBatch()
    {
        lock (_gate)
        {
            var sync = _syncAtCommit;
            _syncAtCommit = null;
            var covered = _journalSequence;
            try
            {
                WriteJournaled();
                MarkJournalCommitted();
                _batch?.Commit();
                _journalCommitted = covered;
            }
            finally
            {
                _batching = false;
                _unjournaledBan = false;
                _journaled.Clear(); // on a failure the caller writes the batch's bans again (BanBook.BatchFailed)
                _batch?.Dispose();
                _batch = null;
            }
            ClearJournal();
            if (sync is not null)
            {
                Sync().ContinueWith(_ => sync.TrySetResult(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    // Opened at the batch's first write: a batch of messages that wrote nothing costs nothing.
    private WriteTransaction Batch() => _batch ??= WriteTransaction.Begin(_connection);

    // Inside a batch, a write first opens the batch's transaction (its BEGIN), if this is the batch's first write.
    private void JoinBatch()
    {
        if (_batching)
        {
            _ = Batch();
        }
    }

    /// <summary>
    /// Writes positions and changed failure entries atomically. <paramref name="failures"/> are the
    /// entries to keep (times of each); <paramref name="cleared"/> the ones that no longer have any.
    /// </summary>
    public void SaveCheckpoint(
        IReadOnlyCollection<FilePosition> positions,
        IReadOnlyCollection<(string Jail, IPAddress Address, IReadOnlyList<DateTimeOffset> Times)> failures,
        IReadOnlyCollection<(string Jail, IPAddress Address)> cleared)
    {
        lock (_gate)
        {
            // Prepared once and kept: under load a checkpoint writes thousands of failure rows.
            _savePosition ??= Prepare("INSERT OR REPLACE INTO positions (path, device, inode, offset) VALUES ($path, $dev, $ino, $off)", "$path", "$dev", "$ino", "$off");
            _saveFailure ??= new RawStatement(_connection, "INSERT OR REPLACE INTO failures (jail, ip, times) VALUES (?1, ?2, ?3)");
            _clearFailure ??= new RawStatement(_connection, "DELETE FROM failures WHERE jail = ?1 AND ip = ?2");
            // Its own transaction, or the open batch's; disposed unfinished (a failed write), it rolls back.
            using var own = _batching ? null : WriteTransaction.Begin(_connection);
            JoinBatch();
            foreach (var p in positions)
            {
                RunPrepared(_savePosition, p.Path, unchecked((long)p.Device), unchecked((long)p.Inode), p.Offset);
            }
            Span<char> address = stackalloc char[AddressLength];
            foreach (var (jail, ip, times) in failures)
            {
                _saveFailure.Text(1, jail);
                _saveFailure.Text(2, address[..Format(ip, address)]);
                BindTimes(_saveFailure, 3, times);
                _saveFailure.Run();
            }
            foreach (var (jail, ip) in cleared)
            {
                _clearFailure.Text(1, jail);
                _clearFailure.Text(2, address[..Format(ip, address)]);
                _clearFailure.Run();
            }
            own?.Commit();
        }
    }

    // The longest text form of an address (IPv6 with an IPv4 tail and a scope).
    internal const int AddressLength = 64;

    internal static int Format(IPAddress address, Span<char> into) =>
        address.TryFormat(into, out var written) ? written : throw new InvalidOperationException("address text too long");

    // Times as comma-separated Unix milliseconds, the column's form (LoadFailures reads it back).
    private static void BindTimes(RawStatement statement, int index, IReadOnlyList<DateTimeOffset> times)
    {
        const int Each = 21; // a long's digits, its sign and the comma
        var size = times.Count * Each;
        char[]? rented = null;
        var text = size <= 1024 ? stackalloc char[1024] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(size));
        try
        {
            var length = 0;
            for (var i = 0; i < times.Count; i++)
            {
                if (i > 0)
                {
                    text[length++] = ',';
                }
                times[i].ToUnixTimeMilliseconds().TryFormat(text[length..], out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
                length += written;
            }
            statement.Text(index, text[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Makes every commit so far durable on the disk (inside a batch: once it commits), on a thread of its own
    /// (<see cref="BackgroundSync"/>): the caller does not wait for the disk; the task completes once it is
    /// done. The engine asks it at each checkpoint tick, once a second.
    /// </summary>
    public Task SyncToDisk()
    {
        lock (_gate)
        {
            if (_batching)
            {
                _syncAtCommit ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _syncAtCommit.Task;
            }
            return Sync();
        }
    }

    /// <summary>
    /// With synchronous=NORMAL a commit reaches the write-ahead log in the page cache, not the disk: a kill -9
    /// keeps it, but a power cut or a disk the kernel makes read-only (ext4 errors=remount-ro) loses every
    /// commit since the log was last synced, up to half a minute of bans (DatabaseReadOnlyTests found it).
    /// A passive checkpoint once a second syncs the log first and copies it into the database file: at most
    /// about a second is lost, for a sync a second rather than one per commit (synchronous=FULL). With nothing
    /// new in the log it costs no write; it never waits for another connection.
    /// </summary>
    private Task Sync() => (_sync ??= new BackgroundSync(Path)).Request();
}
