using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ScanJail.Core.Persistence;

/// <summary>
/// One prepared statement driven through SQLite's own interface, for the writes a checkpoint repeats
/// thousands of times a second: a Microsoft.Data.Sqlite command allocates a reader, a statement
/// iterator and a binder per parameter on every run, which under a replay was a sixth of all the
/// engine allocated. Also for the reads of a start, row by row as UTF-8 and integers (100,000 bans
/// and their history: a reader's string per column and its checks per value were most of their time).
/// Values are copied in (SQLITE_TRANSIENT); errors throw <see cref="SqliteException"/> like the commands do,
/// so the callers' handling (disk full, locked) is the same. Not thread-safe: used under the store's lock.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private const int StackLimit = 512;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>Binds text to the 1-based parameter <paramref name="index"/>.</summary>
    public void Text(int index, ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            // An empty span binds a null pointer, which SQLite stores as NULL: the empty text goes as a string.
            Check(raw.sqlite3_bind_text(_statement, index, string.Empty));
            return;
        }
        var size = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = size <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, buffer);
            Check(raw.sqlite3_bind_text(_statement, index, buffer[..length]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public void Int64(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Null(int index) => Check(raw.sqlite3_bind_null(_statement, index));

    /// <summary>Runs the statement to its end and makes it ready for the next values.</summary>
    public void Run()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW))
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>
    /// Steps a query to its next row: true when there is one, to be read with the column methods below (valid
    /// until the next step); false at the end, the statement then reset.
    /// </summary>
    public bool NextRow()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
        return false;
    }

    /// <summary>The 0-based column of the current row as its UTF-8 bytes, without copying (text as stored; empty for NULL).</summary>
    public ReadOnlySpan<byte> ColumnUtf8(int column) => raw.sqlite3_column_blob(_statement, column);

    public long ColumnInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public bool ColumnIsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
