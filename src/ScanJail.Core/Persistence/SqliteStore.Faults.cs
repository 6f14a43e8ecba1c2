using Microsoft.Data.Sqlite;

namespace ScanJail.Core.Persistence;

/// <summary>Saying clearly why the database refuses a write: SQLite's own words do not name a read-only file system.</summary>
public sealed partial class SqliteStore
{
    // SQLite's primary result codes (the low byte of an extended code).
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteCannotOpen = 14;

    /// <summary>
    /// The error's message, and for an I/O error, a read-only database or one that cannot be opened, what
    /// writing a file beside the database says: on a file system the kernel made read-only (ext4 after an
    /// error, <c>errors=remount-ro</c>), SQLite reports only "disk I/O error".
    /// </summary>
    public string Explain(Exception error) => Explain(Path, error);

    private static string Explain(string path, Exception error)
    {
        if (error is not SqliteException { SqliteErrorCode: SqliteReadOnly or SqliteIoError or SqliteCannotOpen })
        {
            return error.Message;
        }
        return ProbeFolder(path) is { } reason ? $"{error.Message} ({reason})" : error.Message;
    }

    /// <summary>
    /// Why a new file cannot be written in the database's folder, or null if it can. A separate file: opening
    /// and closing the database file itself would drop SQLite's POSIX locks on it.
    /// </summary>
    private static string? ProbeFolder(string path)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? "/";
        var probe = System.IO.Path.Combine(folder, $".scanjail-probe-{Environment.ProcessId}");
        try
        {
            using var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            file.WriteByte(0);
            file.Flush(flushToDisk: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{folder}: {e.Message.Replace($" : '{probe}'", "", StringComparison.Ordinal)}";
        }
    }

    /// <summary>
    /// SQLite opens a file it may not write read-only without saying so (mode 0444 for a user other than root,
    /// a read-only mount); the engine must record its bans, so it says so here and does not start.
    /// </summary>
    private static void RefuseReadOnly(SqliteConnection connection, string path)
    {
        if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
        {
            var reason = ProbeFolder(path) ?? "the file may not be written";
            connection.Dispose();
            throw new StoreException(ReadOnlyMessage(path, reason));
        }
    }

    private static string ReadOnlyMessage(string path, string reason) =>
        $"the database {path} is read-only ({reason}). ScanJail records every ban there and does not start without it: " +
        "make the file and its folder writable, or give --db a writable path";
}
