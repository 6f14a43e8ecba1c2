using Microsoft.Data.Sqlite;

namespace ScanJail.Core.Persistence;

/// <summary>
/// A transaction as plain BEGIN / COMMIT / ROLLBACK on the connection, instead of SqliteTransaction: on
/// some errors (disk full, I/O) SQLite ends the transaction itself, and Microsoft.Data.Sqlite 6 then
/// fails its own ROLLBACK, hiding the real error and keeping the dead transaction as the connection's
/// current one, so every later write failed ("nested transactions") even once the disk had room again.
/// Disposed without <see cref="Commit"/> or <see cref="Rollback"/>, it rolls back if SQLite still has it open.
/// </summary>
internal sealed class WriteTransaction : IDisposable
{
    private readonly SqliteConnection _connection;
    private bool _done;

    private WriteTransaction(SqliteConnection connection) => _connection = connection;

    public static WriteTransaction Begin(SqliteConnection connection)
    {
        Execute(connection, "BEGIN");
        return new WriteTransaction(connection);
    }

    public void Commit()
    {
        Execute(_connection, "COMMIT");
        _done = true;
    }

    public void Rollback()
    {
        Execute(_connection, "ROLLBACK");
        _done = true;
    }

    /// <summary>Marks a point inside the transaction that <see cref="UndoToMark"/> returns to.</summary>
    public void Mark() => Execute(_connection, "SAVEPOINT scanjail_mark");

    /// <summary>Undoes what was written since <see cref="Mark"/>, keeping the rest of the transaction.</summary>
    public void UndoToMark() => Execute(_connection, "ROLLBACK TO scanjail_mark; RELEASE scanjail_mark");

    public void Dispose()
    {
        if (_done || SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) != 0)
        {
            return;
        }
        try
        {
            Execute(_connection, "ROLLBACK");
        }
        catch (SqliteException)
        {
            // The error being thrown already is the one to report.
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
