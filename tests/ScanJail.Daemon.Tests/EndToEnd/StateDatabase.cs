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

    private static List<T> Query<T>(string db, string sql, Func<SqliteDataReader, T> row)
    {
        SQLitePCL.Batteries_V2.Init();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        using var busy = connection.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout=10000";
        busy.ExecuteNonQuery();
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
