using System.Net;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Data.Sqlite;
using ScanJail.Core.Net;
using ScanJail.Core.Persistence;

namespace ScanJail.Core.Tests.Persistence;

/// <summary>
/// A start reads the bans and the ban history row by row as UTF-8 (<see cref="RawStatement"/>, <see cref="StoredText"/>), not
/// through a Microsoft.Data.Sqlite reader: pinned here to what the reader gave (strings, <see cref="AddressParser"/> on the
/// text, the fields' JSON), over random rows written by another connection, odd texts included (no address, too long,
/// non-ASCII jail names, scoped and IPv4-mapped addresses), and in start order whatever the table's order.
/// </summary>
public sealed class StoredReadTests : IDisposable
{
    private static readonly string[] Jails = ["sshd", "jäil \"x\"", "a'b", "日本"];
    private static readonly string[] Ips =
        ["192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1", "fe80::1%3", "0.0.0.0", "not an address", "", "1.2.3.4.5", new string('1', 80), "192.0.2.300"];
    private static readonly string[] Fields = ["{}", """{"port":"22"}""", """{"user":"o'hara \"q\"","port":"ünï"}"""];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scanjail-storedread-");
    private int _run;

    [Fact]
    public void Bans_and_latest_bans_read_as_a_reader_reads_them()
    {
        var row = Gen.Zip(Gen.Zip(Gen.Choose(0, Jails.Length - 1), Gen.Choose(0, Ips.Length - 1)),
            Gen.Zip(Gen.Zip(Gen.Choose(0, 1000), Gen.Choose(-1, 2000)), Gen.Zip(Gen.Choose(0, Fields.Length - 1), Gen.Choose(1, 9))));
        Prop.ForAll(row.ListOf().ToArbitrary(), rows =>
        {
            var path = Path.Combine(_dir.FullName, $"s{_run++}.db");
            SqliteStore.Open(path).Dispose(); // the schema
            using (var writer = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                writer.Open();
                foreach (var ((j, i), ((start, end), (f, failures))) in rows)
                {
                    BanRowTests.Run(writer, "INSERT OR REPLACE INTO bans (jail, ip, start_ms, end_ms, failures, count, fields, manual) VALUES ($j, $i, $s, $e, $f, $c, $x, $m)",
                        ("$j", Jails[j]), ("$i", Ips[i]), ("$s", (long)start), ("$e", end < 0 ? null : (long)end), ("$f", failures), ("$c", failures % 3 + 1),
                        ("$x", Fields[f]), ("$m", failures % 2));
                    BanRowTests.Run(writer, "INSERT INTO ban_history (jail, ip, start_ms) VALUES ($j, $i, $s)", ("$j", Jails[j]), ("$i", Ips[i]), ("$s", (long)start));
                }
            }
            using var store = SqliteStore.Open(path);
            var bans = store.LoadBans().Select(b => (b.Jail, b.Address, b.Start.ToUnixTimeMilliseconds(), b.End?.ToUnixTimeMilliseconds(), b.Failures, b.Count,
                string.Join(",", b.Fields.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")), b.Manual)).ToList();
            var expected = ReadBans(path);
            var latest = store.LatestBans(DateTimeOffset.FromUnixTimeMilliseconds(300)).OrderBy(l => l.Jail, StringComparer.Ordinal).ThenBy(l => l.Address.ToString()).ToList();
            var expectedLatest = ReadLatest(path, 300).OrderBy(l => l.Jail, StringComparer.Ordinal).ThenBy(l => l.Address.ToString()).ToList();
            // Oldest first; rows of the same start in any order.
            return bans.Select(b => b.Item3).SequenceEqual(bans.Select(b => b.Item3).Order())
                && bans.OrderBy(b => b.ToString(), StringComparer.Ordinal).SequenceEqual(expected.OrderBy(b => b.ToString(), StringComparer.Ordinal))
                && latest.SequenceEqual(expectedLatest)
                // The history's keys, loaded at the open, miss no row: the count from memory is SQLite's.
                && rows.All(r =>
                {
                    var since = DateTimeOffset.FromUnixTimeMilliseconds(0);
                    return !AddressParser.TryParse(Ips[r.Item1.Item2], out var a)
                        || store.CountPreviousBans(Jails[r.Item1.Item1], a, since) == store.CountPreviousBansInDatabase(Jails[r.Item1.Item1], a, since);
                });
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    // How LoadBans read the rows through a Microsoft.Data.Sqlite reader.
    private static List<(string, IPAddress, long, long?, int, int, string, bool)> ReadBans(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT jail, ip, start_ms, end_ms, failures, count, fields, manual FROM bans";
        using var reader = cmd.ExecuteReader();
        var list = new List<(string, IPAddress, long, long?, int, int, string, bool)>();
        while (reader.Read())
        {
            if (AddressParser.TryParse(reader.GetString(1), out var address))
            {
                var fields = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6))!;
                list.Add((reader.GetString(0), address, reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetInt32(4), reader.GetInt32(5),
                    string.Join(",", fields.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}")), reader.GetInt32(7) != 0));
            }
        }
        return list;
    }

    private static List<(string Jail, IPAddress Address, DateTimeOffset Start)> ReadLatest(string path, long since)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT jail, ip, MAX(start_ms) FROM ban_history WHERE start_ms >= {since} GROUP BY jail, ip";
        using var reader = cmd.ExecuteReader();
        var list = new List<(string, IPAddress, DateTimeOffset)>();
        while (reader.Read())
        {
            if (AddressParser.TryParse(reader.GetString(1), out var address))
            {
                list.Add((reader.GetString(0), address, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            }
        }
        return list;
    }
}
