using System.Net;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Data.Sqlite;
using ScanJail.Core.Bans;
using ScanJail.Core.Persistence;

namespace ScanJail.Core.Tests.Persistence;

/// <summary>
/// A ban's row and its history row are written through SQLite's own interface (RawStatement), not through
/// Microsoft.Data.Sqlite commands: pinned here to the commands' rows (the way they were written before),
/// value for value and type for type, over random bans and unbans, and read back by <see cref="SqliteStore.LoadBans"/>.
/// </summary>
public sealed class BanRowTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly string[] Jails = ["sshd", "web", "jäil \"x\"", "a'b"];
    private static readonly IPAddress[] Addresses =
        [.. new[] { "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1", "fe80::1%3", "::", "0.0.0.0", "2001:db8::" }.Select(IPAddress.Parse)];
    private static readonly string[] Values = ["22", "", "root", "o'hara \"q\"", "ünï\tcode", "<script>"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scanjail-banrow-");

    [Fact]
    public void Ban_and_unban_rows_equal_the_rows_the_commands_wrote()
    {
        var field = Gen.Elements("port", "user", "kind", "proto").SelectMany(k => Gen.Elements(Values).Select(v => (k, v)));
        var ban = Gen.Choose(0, Jails.Length - 1).SelectMany(j => Gen.Choose(0, Addresses.Length - 1).SelectMany(a =>
            Gen.Choose(-1, 600).SelectMany(minutes => Gen.Choose(1, 50).SelectMany(failures =>
                field.ListOf().SelectMany(fields => Gen.Elements(true, false).SelectMany(remove => Gen.Elements(true, false).Select(manual =>
                    (j, a, minutes, failures, fields, remove, manual))))))));
        var run = 0;
        Prop.ForAll(ban.ListOf().ToArbitrary(), bans =>
        {
            var raw = Path.Combine(_dir.FullName, $"raw{run}.db");
            var commands = Path.Combine(_dir.FullName, $"cmd{run++}.db");
            using (var store = SqliteStore.Open(raw))
            {
                SqliteStore.Open(commands).Dispose(); // the same schema
                using var reference = new SqliteConnection($"Data Source={commands};Pooling=False");
                reference.Open();
                store.BeginBatch();
                foreach (var (j, a, minutes, failures, fields, remove, manual) in bans)
                {
                    var made = new Ban(Jails[j], Addresses[a], T0, minutes < 0 ? null : T0.AddMinutes(minutes), failures, failures % 3 + 1,
                        fields.GroupBy(f => f.k).ToDictionary(g => g.Key, g => g.Last().v), manual);
                    if (remove)
                    {
                        store.RemoveBan(made.Jail, made.Address);
                        CommandRemove(reference, made.Jail, made.Address);
                    }
                    else
                    {
                        store.SaveBan(made);
                        CommandSave(reference, made);
                    }
                }
                store.CommitBatch();
                var loaded = store.LoadBans();
                // LoadBans skips what AddressParser refuses (a scoped IPv6 address), as before.
                var expected = Rows(reference, "bans").Where(r => ScanJail.Core.Net.AddressParser.TryParse((string)r[1]!, out _)).ToList();
                Assert.Equal(expected.Count, loaded.Count);
                foreach (var b in loaded)
                {
                    // By jail, failures and end (AddressParser may write a parsed address differently, e.g. an IPv4-mapped one).
                    Assert.Contains(expected, r => (string)r[0]! == b.Jail && (long)r[4]! == b.Failures && (long?)r[3] == b.End?.ToUnixTimeMilliseconds()
                        && (long)r[7]! == (b.Manual ? 1 : 0));
                }
            }
            using var left = new SqliteConnection($"Data Source={raw};Pooling=False");
            using var right = new SqliteConnection($"Data Source={commands};Pooling=False");
            left.Open();
            right.Open();
            foreach (var table in new[] { "bans", "ban_history" })
            {
                var a = Rows(left, table);
                var b = Rows(right, table);
                Assert.Equal(b.Count, a.Count);
                for (var i = 0; i < a.Count; i++)
                {
                    Assert.Equal(b[i], a[i]);
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_permanent_ban_with_no_captures_reads_back_permanent_with_none()
    {
        var path = Path.Combine(_dir.FullName, "permanent.db");
        using (var store = SqliteStore.Open(path))
        {
            store.SaveBan(new Ban("sshd", IPAddress.Parse("2001:db8::7"), T0, null, 3, 2, new Dictionary<string, string>(), Manual: true));
            store.SaveBan(new Ban("sshd", IPAddress.Parse("192.0.2.7"), T0, T0.AddHours(1), 5, 1, new Dictionary<string, string> { ["port"] = "22" }));
        }
        using var again = SqliteStore.Open(path);
        var bans = again.LoadBans().OrderBy(b => b.Failures).ToList();
        Assert.Equal(2, bans.Count);
        Assert.True(bans[0].Permanent);
        Assert.True(bans[0].Manual);
        Assert.Empty(bans[0].Fields);
        Assert.Equal(2, bans[0].Count);
        Assert.Equal(T0.AddHours(1), bans[1].End);
        Assert.Equal("22", bans[1].Fields["port"]);
        Assert.Equal(1, again.CountPreviousBansInDatabase("sshd", IPAddress.Parse("192.0.2.7"), T0.AddDays(-1)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    // What SqliteStore wrote before RawStatement: Microsoft.Data.Sqlite commands with these parameter values.
    private static void CommandSave(SqliteConnection connection, Ban ban)
    {
        var address = ban.Address.ToString();
        var start = ban.Start.ToUnixTimeMilliseconds();
        Run(connection, "INSERT OR REPLACE INTO bans (jail, ip, start_ms, end_ms, failures, count, fields, manual) VALUES ($jail, $ip, $start, $end, $failures, $count, $fields, $manual)",
            ("$jail", ban.Jail), ("$ip", address), ("$start", start), ("$end", ban.End?.ToUnixTimeMilliseconds()), ("$failures", ban.Failures),
            ("$count", ban.Count), ("$fields", JsonSerializer.Serialize(ban.Fields)), ("$manual", ban.Manual ? 1 : 0));
        Run(connection, "INSERT INTO ban_history (jail, ip, start_ms) VALUES ($jail, $ip, $start)", ("$jail", ban.Jail), ("$ip", address), ("$start", start));
    }

    private static void CommandRemove(SqliteConnection connection, string jail, IPAddress address) =>
        Run(connection, "DELETE FROM bans WHERE jail = $jail AND ip = $ip", ("$jail", jail), ("$ip", address.ToString()));

    /// <summary>One statement through a Microsoft.Data.Sqlite command, as another process would write (also StoredReadTests).</summary>
    internal static void Run(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        cmd.ExecuteNonQuery();
    }

    // Every column's value and its SQLite type, in rowid order.
    private static List<object?[]> Rows(SqliteConnection connection, string table)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = table == "bans"
            ? "SELECT jail, ip, start_ms, end_ms, failures, count, fields, manual, typeof(end_ms), typeof(failures), typeof(fields) FROM bans ORDER BY rowid"
            : "SELECT jail, ip, start_ms, typeof(start_ms) FROM ban_history ORDER BY rowid";
        using var reader = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }
}
