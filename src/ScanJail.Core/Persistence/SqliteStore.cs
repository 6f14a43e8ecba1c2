using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ScanJail.Core.Bans;
using ScanJail.Core.Net;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Persistence;

/// <summary>
/// The engine's SQLite file: active bans, the ban history (for the bantime increment), each file
/// source's position and the failure counts of the last checkpoint. Positions and failures are
/// written together in one transaction, so after a crash the engine resumes from a consistent point:
/// lines after it are read again and counted once. One connection, guarded by a lock (file sources
/// read positions from their own tasks).
/// <para>
/// Batches: between <see cref="BeginBatch"/> and <see cref="CommitBatch"/> every write joins one
/// transaction (opened at the first write), so the engine loop pays one commit for all the bans and
/// unbans of the messages it handled in a row instead of one per ban. Whoever holds a batch must not
/// let anything that depends on those writes being durable (a ban's action) happen before the commit.
/// </para>
/// </summary>
public sealed partial class SqliteStore : IPositionStore, ICursorStore, IDisposable
{
    private const int SchemaVersion = 1;
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private RawStatement? _insertBan;
    private RawStatement? _insertHistory;
    private RawStatement? _deleteBan;
    private SqliteCommand? _countHistory;
    private SqliteCommand? _savePosition;
    private RawStatement? _saveFailure;
    private RawStatement? _clearFailure;
    private bool _batching;
    private WriteTransaction? _batch;
    private readonly BanHistoryKeys _history = new();

    private SqliteStore(SqliteConnection connection) => _connection = connection;

    /// <summary>The log's size, in pages, past which a commit on the engine loop checkpoints it itself (64 MB at 4 KB pages).</summary>
    internal const int LoopCheckpointPages = 16_384;

    private static readonly IReadOnlyDictionary<string, string> NoFields = System.Collections.Frozen.FrozenDictionary<string, string>.Empty;

    public string Path { get; private init; } = "";

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/>. Throws <see cref="StoreException"/> with a clear message.</summary>
    public static SqliteStore Open(string path)
    {
        SQLitePCL.Batteries_V2.Init();
        try
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }
            // DefaultTimeout: Microsoft.Data.Sqlite retries a busy statement itself for up to 30 s by default,
            // on top of busy_timeout; with the database locked by another process, every write held the
            // engine loop that long, and control commands timed out behind it.
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 1 }.ToString());
            connection.Open();
            RefuseReadOnly(connection, path);
            var store = new SqliteStore(connection) { Path = path };
            // The log is checkpointed once a second by BackgroundSync, on its own connection and thread. SQLite's own
            // checkpoint, run by the committing connection once the log passes wal_autocheckpoint pages (1,000 by
            // default), ran on the engine loop with its two fsyncs: 26 to 32 of them in each replay of the bench's
            // 1,000,000 lines, where a commit of many bans and failure counts writes thousands of pages a second.
            // It stays as the bound on the log's size should the background sync fall behind or fail.
            store.Execute($"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint={LoopCheckpointPages};");
            store.Migrate();
            store.ReplayJournal();
            store.LoadHistoryKeys();
            return store;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteReadOnly or SqliteCannotOpen && ProbeFolder(path) is { } reason)
        {
            throw new StoreException(ReadOnlyMessage(path, reason), e);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot open the database {path}: {e.Message}", e);
        }
    }

    private void Migrate()
    {
        Execute("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS bans (
                jail TEXT NOT NULL, ip TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER,
                failures INTEGER NOT NULL, count INTEGER NOT NULL, fields TEXT NOT NULL, manual INTEGER NOT NULL,
                PRIMARY KEY (jail, ip));
            CREATE TABLE IF NOT EXISTS ban_history (jail TEXT NOT NULL, ip TEXT NOT NULL, start_ms INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS ban_history_key ON ban_history (jail, ip);
            CREATE TABLE IF NOT EXISTS positions (path TEXT PRIMARY KEY, device INTEGER NOT NULL, inode INTEGER NOT NULL, offset INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS failures (jail TEXT NOT NULL, ip TEXT NOT NULL, times TEXT NOT NULL, PRIMARY KEY (jail, ip));
            CREATE TABLE IF NOT EXISTS cursors (source TEXT PRIMARY KEY, cursor TEXT NOT NULL);
            """);
        Execute($"INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '{SchemaVersion}')");
    }

    /// <summary>
    /// Records a ban and its history row in one transaction. Called before any action runs. Inside a batch the ban
    /// goes to the journal and its rows are written at the commit (<see cref="BatchBansJournaled"/>).
    /// </summary>
    public void SaveBan(Ban ban)
    {
        lock (_gate)
        {
            if (_batching)
            {
                if (TryJournal(ban))
                {
                    return;
                }
                _unjournaledBan = true;
                WriteJournaled();
                JoinBatch();
                WriteBan(ban);
                return;
            }
            using var tx = WriteTransaction.Begin(_connection);
            WriteBan(ban);
            tx.Commit();
        }
    }

    /// <summary>
    /// Runs the ban path's statements once, writing nothing (the transaction is rolled back): the
    /// first ban then costs milliseconds instead of the ~100 ms that compiling this code (JSON
    /// serialisation, statement binding) and the first write take, while a fast scan is going on.
    /// </summary>
    public void WarmUp()
    {
        var ban = new Ban("", IPAddress.Any, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1, 1, new Dictionary<string, string> { ["port"] = "1" }, false);
        CountPreviousBans(ban.Jail, ban.Address, ban.Start);
        CountPreviousBansInDatabase(ban.Jail, ban.Address, ban.Start); // a repeat offender's ban asks SQLite
        lock (_gate)
        {
            _journal?.WarmUp(ban);
            if (_batch is { } batch)
            {
                // Inside an open batch: a savepoint undoes only the warm-up's rows.
                batch.Mark();
                WriteBan(ban);
                batch.UndoToMark();
                return;
            }
            using var tx = WriteTransaction.Begin(_connection);
            WriteBan(ban);
            tx.Rollback();
        }
    }

    private void WriteBan(Ban ban)
    {
        Span<char> address = stackalloc char[AddressLength];
        address = address[..Format(ban.Address, address)];
        var start = ban.Start.ToUnixTimeMilliseconds();
        // Prepared once and kept, and driven through SQLite's own interface (RawStatement): a replay bans
        // thousands of addresses a second, and a command's binders, boxed values and address string per ban
        // were most of a ban's cost on the loop.
        _insertBan ??= new RawStatement(_connection, """
            INSERT OR REPLACE INTO bans (jail, ip, start_ms, end_ms, failures, count, fields, manual)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """);
        _insertHistory ??= new RawStatement(_connection, "INSERT INTO ban_history (jail, ip, start_ms) VALUES (?1, ?2, ?3)");
        _history.Add(ban.Jail, address); // before the row: the keys never miss a row, even one whose write fails
        _insertBan.Text(1, ban.Jail);
        _insertBan.Text(2, address);
        _insertBan.Int64(3, start);
        if (ban.End is { } end)
        {
            _insertBan.Int64(4, end.ToUnixTimeMilliseconds());
        }
        else
        {
            _insertBan.Null(4);
        }
        _insertBan.Int64(5, ban.Failures);
        _insertBan.Int64(6, ban.Count);
        // Most bans have no captures: JSON's "{}" without the serializer (LoadBans reads it back the same way).
        _insertBan.Text(7, ban.Fields.Count == 0 ? "{}" : JsonSerializer.Serialize(ban.Fields));
        _insertBan.Int64(8, ban.Manual ? 1 : 0);
        _insertBan.Run();
        _insertHistory.Text(1, ban.Jail);
        _insertHistory.Text(2, address);
        _insertHistory.Int64(3, start);
        _insertHistory.Run();
    }

    public void RemoveBan(string jail, IPAddress address)
    {
        lock (_gate)
        {
            _deleteBan ??= new RawStatement(_connection, "DELETE FROM bans WHERE jail = ?1 AND ip = ?2");
            JoinBatch();
            WriteJournaled();
            Span<char> text = stackalloc char[AddressLength];
            _deleteBan.Text(1, jail);
            _deleteBan.Text(2, text[..Format(address, text)]);
            _deleteBan.Run();
        }
    }

    /// <summary>
    /// The active bans as stored, oldest first (a restart's 100,000 read row by row as UTF-8: <see cref="RawStatement"/>).
    /// A row no engine writes is skipped or mended, never the start's end (<see cref="StoredRowIssues"/>).
    /// </summary>
    public IReadOnlyList<Ban> LoadBans(StoredRowIssues? issues = null)
    {
        const string Table = "bans";
        lock (_gate)
        {
            WriteJournaled(); // inside a batch, its journaled bans are the store's own
            // In the table's order, which is mostly the bans' (rows are written as bans are made), and sorted here only
            // when it is not: SQLite's sort of 100,000 rows took longer than reading them.
            using var rows = new RawStatement(_connection, "SELECT jail, ip, start_ms, end_ms, failures, count, fields, manual FROM bans");
            var text = new StoredText();
            var bans = new List<Ban>();
            while (rows.NextRow())
            {
                if (!StoredText.TryAddress(rows.ColumnUtf8(1), out var address))
                {
                    issues?.Skip(Table, "no address in ip");
                    continue;
                }
                var ends = !rows.ColumnIsNull(3);
                DateTimeOffset end = default;
                if (!StoredText.TryTime(rows.ColumnInt64(2), out var start) || (ends && !StoredText.TryTime(rows.ColumnInt64(3), out end)))
                {
                    issues?.Skip(Table, $"{address}: start_ms or end_ms out of range");
                    continue;
                }
                var fieldsRead = StoredText.TryFields(rows.ColumnUtf8(6), NoFields, out var fields);
                var countsRead = StoredText.TryCount(rows.ColumnInt64(4), out var failures) & StoredText.TryCount(rows.ColumnInt64(5), out var count);
                if (!fieldsRead || !countsRead)
                {
                    string?[] what = [fieldsRead ? null : "fields not a JSON object of strings, kept without them", countsRead ? null : "failures or count out of range, clamped"];
                    issues?.Mend(Table, $"{address}: {string.Join("; ", what.OfType<string>())}");
                }
                bans.Add(new Ban(text.Name(rows.ColumnUtf8(0)), address, start, ends ? end : null, failures, count, fields, rows.ColumnInt64(7) != 0));
            }
            return BanOrder.ByStart(bans);
        }
    }

    public FilePosition? Load(string path)
    {
        lock (_gate)
        {
            using var cmd = Command();
            cmd.CommandText = "SELECT device, inode, offset FROM positions WHERE path = $path";
            Bind(cmd, ("$path", path));
            using var reader = cmd.ExecuteReader();
            return reader.Read()
                ? new FilePosition(path, unchecked((ulong)reader.GetInt64(0)), unchecked((ulong)reader.GetInt64(1)), reader.GetInt64(2))
                : null;
        }
    }

    public void Save(FilePosition position) => SaveCheckpoint([position], [], []);

    /// <summary>The journal cursor saved for a journald source (by its key), or null.</summary>
    public string? LoadCursor(string key)
    {
        lock (_gate)
        {
            using var cmd = Command();
            cmd.CommandText = "SELECT cursor FROM cursors WHERE source = $source";
            Bind(cmd, ("$source", key));
            return cmd.ExecuteScalar() as string;
        }
    }

    public void SaveCursor(string key, string cursor)
    {
        lock (_gate)
        {
            JoinBatch();
            Run("INSERT OR REPLACE INTO cursors (source, cursor) VALUES ($source, $cursor)", ("$source", key), ("$cursor", cursor));
        }
    }

    public IReadOnlyList<(string Jail, IPAddress Address, IReadOnlyList<DateTimeOffset> Times)> LoadFailures(StoredRowIssues? issues = null)
    {
        const string Table = "failures";
        lock (_gate)
        {
            using var cmd = Command();
            cmd.CommandText = "SELECT jail, ip, times FROM failures";
            using var reader = cmd.ExecuteReader();
            var list = new List<(string, IPAddress, IReadOnlyList<DateTimeOffset>)>();
            while (reader.Read())
            {
                if (!AddressParser.TryParse(reader.GetString(1), out var address))
                {
                    issues?.Skip(Table, "no address in ip");
                    continue;
                }
                if (!StoredText.TryTimes(reader.GetString(2), out var times))
                {
                    issues?.Skip(Table, $"{address}: times not a list of Unix milliseconds");
                    continue;
                }
                list.Add((reader.GetString(0), address, times));
            }
            return list;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _insertBan?.Dispose();
            _insertHistory?.Dispose();
            _deleteBan?.Dispose();
            _saveJournalCommitted?.Dispose();
            _countHistory?.Dispose();
            _savePosition?.Dispose();
            _saveFailure?.Dispose();
            _clearFailure?.Dispose();
            _batch?.Dispose();
            _journal?.Dispose();
            _sync?.Dispose();
            _connection.Dispose();
        }
    }

    // A WriteTransaction is plain BEGIN/COMMIT on the connection: every command on it joins the open batch.
    private SqliteCommand Command()
    {
        return _connection.CreateCommand();
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var name in names)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return cmd;
    }

    // A WriteTransaction is the connection's own (plain BEGIN): a command joins whichever is open.
    private static void RunPrepared(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        cmd.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        lock (_gate)
        {
            Run(sql);
        }
    }

    private void Run(string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        Bind(cmd, parameters);
        cmd.ExecuteNonQuery();
    }

    private static void Bind(SqliteCommand cmd, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }
}
