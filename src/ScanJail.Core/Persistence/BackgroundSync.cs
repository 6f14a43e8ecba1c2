using Microsoft.Data.Sqlite;

namespace ScanJail.Core.Persistence;

/// <summary>
/// The once-a-second sync of the database (a passive checkpoint: the write-ahead log synced, its pages
/// copied into the database file, that synced too) on a connection and a thread of its own. On the
/// engine loop's connection it held the loop for the two fsyncs, 10 to 130 ms on a busy disk, and a ban
/// arriving meanwhile waited for them (the ban-latency bench's worst file-line bans, docs/latency.md
/// Round 5). A passive checkpoint never waits for a writer, and the loop's commits never wait for it:
/// in WAL mode the log is appended while it is checkpointed.
/// </summary>
internal sealed class BackgroundSync(string path) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private TaskCompletionSource? _asked;
    private Thread? _thread;
    private SqliteConnection? _connection;
    private bool _disposed;

    /// <summary>Asks for a sync of every commit made so far; the task completes once it ran (or could not run).</summary>
    public Task Request()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return Task.CompletedTask;
            }
            if (_asked is { } waiting)
            {
                return waiting.Task; // not started yet: it will include this caller's commits
            }
            _asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "database sync" };
                _thread.Start();
            }
            _wake.Release();
            return _asked.Task;
        }
    }

    /// <summary>Runs a sync that was asked for, then closes the connection; later requests complete at once.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            thread = _thread;
            _wake.Release();
        }
        thread?.Join();
        _connection?.Dispose();
        _wake.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            _wake.Wait();
            TaskCompletionSource? asked;
            lock (_gate)
            {
                asked = _asked;
                _asked = null;
            }
            if (asked is not null)
            {
                Checkpoint();
                asked.TrySetResult();
            }
            lock (_gate)
            {
                if (_disposed && _asked is null)
                {
                    return;
                }
            }
        }
    }

    private void Checkpoint()
    {
        try
        {
            if (_connection is null)
            {
                var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 1, Mode = SqliteOpenMode.ReadWrite }.ToString());
                connection.Open();
                _connection = connection;
                Execute("PRAGMA synchronous=NORMAL");
            }
            Execute("PRAGMA wal_checkpoint(PASSIVE)");
        }
        catch (SqliteException)
        {
            // The commits themselves went through; a disk that refuses the sync refuses the next write too,
            // which is logged and counted there (a commit is never retried for a failed sync: no ban twice).
            _connection?.Dispose();
            _connection = null;
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection!.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
