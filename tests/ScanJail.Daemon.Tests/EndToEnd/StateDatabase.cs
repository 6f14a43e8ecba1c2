using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// Reads the engine's SQLite file from the test, through its own connection (no pooling, closed at
/// once), so a test judges what was written rather than what the engine says about itself.
/// </summary>
public static class StateDatabase
{
    public sealed record BanRow(string Jail, string Address, DateTimeOffset? End, int Failures);

    public static IReadOnlyList<BanRow> Bans(string db) => Query(db, "SELECT jail, ip, end_ms, failures FROM bans", r => new BanRow(
        r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), r.GetInt32(3)));

    /// <summary>How many times each address was banned (the history the increment reads).</summary>
    public static IReadOnlyDictionary<string, int> BanHistory(string db) =>
        Query(db, "SELECT ip, COUNT(*) FROM ban_history GROUP BY ip", r => (r.GetString(0), r.GetInt32(1))).ToDictionary(p => p.Item1, p => p.Item2);

    /// <summary>The failure times saved per address at the last checkpoint.</summary>
    public static IReadOnlyDictionary<string, int> FailureCounts(string db) =>
        Query(db, "SELECT ip, times FROM failures", r => (r.GetString(0), r.GetString(1).Split(',', StringSplitOptions.RemoveEmptyEntries).Length))
            .ToDictionary(p => p.Item1, p => p.Item2);

    public static long? Offset(string db, string path) =>
        Query(db, $"SELECT offset FROM positions WHERE path = '{path.Replace("'", "''", StringComparison.Ordinal)}'", r => (long?)r.GetInt64(0)).FirstOrDefault();

    /// <summary>
    /// Copies the engine's write-ahead log into the database file and cuts the log to 0 bytes (what
    /// <c>PRAGMA wal_checkpoint(TRUNCATE)</c> does), retried while the engine's own checkpoint holds the log.
    /// Checks first that the file opened is in WAL mode, as the engine's is: an SQLite that resolves symbolic
    /// links in every part of a path (3.40's does, the test's 3.35 does not) reads <c>/proc/PID/root/...</c> as
    /// <c>/...</c> and opens a different, new file outside the engine's mount namespace.
    /// </summary>
    public static void TruncateLog(string db)
    {
        using var connection = Open(db);
        using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", mode.ExecuteScalar() as string);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            using var reader = cmd.ExecuteReader();
            Assert.True(reader.Read());
            var (busy, log, copied) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            if (busy == 0)
            {
                Assert.True(log == 0 && copied == 0, $"the log truncated: {log} frame(s) left, {copied} copied");
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, "the log to be truncated: the checkpoint stayed busy for 30 s");
            Thread.Sleep(50);
        }
    }

    private static SqliteConnection Open(string db)
    {
        SQLitePCL.Batteries_V2.Init();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, DefaultTimeout = 30 }.ToString());
        try
        {
            connection.Open();
            using var busy = connection.CreateCommand();
            busy.CommandText = "PRAGMA busy_timeout=10000";
            busy.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static List<T> Query<T>(string db, string sql, Func<SqliteDataReader, T> row)
    {
        using var connection = Open(db);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(row(reader));
        }
        return rows;
    }

    public static string Format(DateTimeOffset? time) => time?.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) ?? "permanent";
}
