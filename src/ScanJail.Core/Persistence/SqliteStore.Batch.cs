using System.Net;
using Microsoft.Data.Sqlite;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Persistence;

/// <summary>The engine loop's batches (one commit for many writes) and the checkpoint of positions and failures.</summary>
public sealed partial class SqliteStore
{
    // A checkpoint joined the open batch: once the batch commits, make the write-ahead log durable (DurableCheckpoint).
    private bool _durableDue;

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
    /// Commits the batch's writes, if there were any, and ends the batch. When this returns, they are in the
    /// database's write-ahead log (synchronous=NORMAL): a crash of the process, kill -9 included, keeps them;
    /// a batch holding a checkpoint is also synced to the disk (<see cref="MakeDurable"/>).
    /// On an error the batch is ended all the same (rolled back) and the error thrown.
    /// </summary>
    public void CommitBatch()
    {
        lock (_gate)
        {
            _batching = false;
            if (_batch is not { } batch)
            {
                return;
            }
            _batch = null;
            var durable = _durableDue;
            _durableDue = false;
            try
            {
                batch.Commit();
                if (durable)
                {
                    MakeDurable();
                }
            }
            finally
            {
                batch.Dispose();
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
            _saveFailure ??= Prepare("INSERT OR REPLACE INTO failures (jail, ip, times) VALUES ($jail, $ip, $times)", "$jail", "$ip", "$times");
            _clearFailure ??= Prepare("DELETE FROM failures WHERE jail = $jail AND ip = $ip", "$jail", "$ip");
            // Its own transaction, or the open batch's; disposed unfinished (a failed write), it rolls back.
            using var own = _batching ? null : WriteTransaction.Begin(_connection);
            JoinBatch();
            foreach (var p in positions)
            {
                RunPrepared(_savePosition, p.Path, unchecked((long)p.Device), unchecked((long)p.Inode), p.Offset);
            }
            var text = new System.Text.StringBuilder();
            foreach (var (jail, address, times) in failures)
            {
                text.Clear();
                foreach (var t in times)
                {
                    text.Append(text.Length == 0 ? "" : ",").Append(t.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                RunPrepared(_saveFailure, jail, address.ToString(), text.ToString());
            }
            foreach (var (jail, address) in cleared)
            {
                RunPrepared(_clearFailure, jail, address.ToString());
            }
            if (own is null)
            {
                _durableDue = true;
                return;
            }
            own.Commit();
            MakeDurable();
        }
    }

    /// <summary>
    /// With synchronous=NORMAL a commit reaches the write-ahead log in the page cache, not the disk: a kill -9
    /// keeps it, but a power cut or a disk the kernel makes read-only (ext4 errors=remount-ro) loses every
    /// commit since the log was last synced, up to half a minute of bans (DatabaseReadOnlyTests found it).
    /// A passive checkpoint after each checkpoint of positions syncs the log first and copies it into the
    /// database: at most one checkpoint interval (1 s) is lost, for a sync a second rather than one per commit.
    /// </summary>
    private void MakeDurable() => Run("PRAGMA wal_checkpoint(PASSIVE)");
}
