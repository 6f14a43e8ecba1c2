using System.Net;
using Microsoft.Data.Sqlite;
using ScanJail.Core.Persistence;

namespace ScanJail.Core.Tests.Persistence;

/// <summary>
/// Rows no engine writes (a hand-edited or damaged database) never end a start: a start's reads skip a row without a
/// usable address or time, keep a ban whose captures are not JSON without them, clamp a count out of range, and say
/// how many of each they met (<see cref="StoredRowIssues"/>). Read from a real SQLite file written by another connection.
/// </summary>
public sealed class StoredRowIssuesTests : IDisposable
{
    private const string Ban = "INSERT INTO bans (jail, ip, start_ms, end_ms, failures, count, fields, manual) VALUES ($j, $i, $s, $e, $f, $c, $x, 0)";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scanjail-rowissues-");

    [Fact]
    public void Bans_with_bad_fields_or_counts_are_kept_mended_and_bans_without_a_time_are_skipped()
    {
        var path = Write(writer =>
        {
            BanRowTests.Run(writer, Ban, ("$j", "sshd"), ("$i", "192.0.2.1"), ("$s", 1000L), ("$e", 5000L), ("$f", 3), ("$c", 1), ("$x", """{"port":"22"}"""));
            BanRowTests.Run(writer, Ban, ("$j", "sshd"), ("$i", "192.0.2.2"), ("$s", 2000L), ("$e", 5000L), ("$f", 3), ("$c", 1), ("$x", "{not json"));
            BanRowTests.Run(writer, Ban, ("$j", "sshd"), ("$i", "192.0.2.3"), ("$s", 3000L), ("$e", null), ("$f", 1_000_000_000_000L), ("$c", -4L), ("$x", "[1,2]"));
            BanRowTests.Run(writer, Ban, ("$j", "sshd"), ("$i", "192.0.2.4"), ("$s", long.MaxValue), ("$e", 5000L), ("$f", 3), ("$c", 1), ("$x", "{}"));
            BanRowTests.Run(writer, Ban, ("$j", "sshd"), ("$i", "192.0.2.5"), ("$s", 4000L), ("$e", long.MinValue), ("$f", 3), ("$c", 1), ("$x", "{}"));
            BanRowTests.Run(writer, Ban, ("$j", "sshd"), ("$i", "not an address"), ("$s", 4000L), ("$e", 5000L), ("$f", 3), ("$c", 1), ("$x", "{}"));
        });
        using var store = SqliteStore.Open(path);
        var issues = new StoredRowIssues();

        var bans = store.LoadBans(issues);

        Assert.Equal(["192.0.2.1", "192.0.2.2", "192.0.2.3"], bans.Select(b => b.Address.ToString()));
        Assert.Equal("22", bans[0].Fields["port"]);
        Assert.Empty(bans[1].Fields);
        Assert.Empty(bans[2].Fields);
        Assert.Equal((int.MaxValue, 0, (DateTimeOffset?)null), (bans[2].Failures, bans[2].Count, bans[2].End));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(5000), bans[1].End);
        Assert.Equal((3, 2), (issues.Skipped, issues.Mended));
        Assert.Equal("bans: 192.0.2.2: fields not a JSON object of strings, kept without them", issues.First);
    }

    [Fact]
    public void Failures_and_history_rows_without_a_usable_time_are_skipped_and_counted()
    {
        var path = Write(writer =>
        {
            foreach (var (ip, times) in new[] { ("192.0.2.1", "1000,2000"), ("192.0.2.2", "1000,x"), ("192.0.2.3", "99999999999999999"), ("192.0.2.4", "1,,-2") })
            {
                BanRowTests.Run(writer, "INSERT INTO failures (jail, ip, times) VALUES ('sshd', $i, $t)", ("$i", ip), ("$t", times));
            }
            foreach (var (ip, start) in new[] { ("192.0.2.1", 1000L), ("192.0.2.2", long.MaxValue), ("bad", 1000L) })
            {
                BanRowTests.Run(writer, "INSERT INTO ban_history (jail, ip, start_ms) VALUES ('sshd', $i, $s)", ("$i", ip), ("$s", start));
            }
        });
        using var store = SqliteStore.Open(path);
        var issues = new StoredRowIssues();

        var failures = store.LoadFailures(issues);
        var latest = store.LatestBans(DateTimeOffset.FromUnixTimeMilliseconds(0), issues);

        Assert.Equal(["192.0.2.1", "192.0.2.4"], failures.Select(f => f.Address.ToString()));
        Assert.Equal([1000L, 2000L], failures[0].Times.Select(t => t.ToUnixTimeMilliseconds()));
        Assert.Equal([1L, -2L], failures[1].Times.Select(t => t.ToUnixTimeMilliseconds()));
        Assert.Equal([(IPAddress.Parse("192.0.2.1"), 1000L)], latest.Select(l => (l.Address, l.Start.ToUnixTimeMilliseconds())));
        Assert.Equal((4, 0), (issues.Skipped, issues.Mended));
        Assert.StartsWith("failures: 192.0.2.2:", issues.First, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    private string Write(Action<SqliteConnection> rows)
    {
        var path = Path.Combine(_dir.FullName, $"{Guid.NewGuid():N}.db");
        SqliteStore.Open(path).Dispose(); // the schema
        using var writer = new SqliteConnection($"Data Source={path};Pooling=False");
        writer.Open();
        rows(writer);
        return path;
    }
}
