using System.Net;
using ScanJail.Core.Bans;
using ScanJail.Core.Persistence;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Persistence;

/// <summary>A real SQLite file in a temporary directory, closed and opened again as a restart would.</summary>
public sealed class SqliteStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scanjail-store-");
    private string DbPath => Path.Combine(_dir.FullName, "sub", "sj.db");

    [Fact]
    public void Bans_history_positions_and_failures_survive_reopening()
    {
        var fields = new Dictionary<string, string> { ["user"] = "x'; DROP TABLE bans; --", ["port"] = "22" };
        using (var store = SqliteStore.Open(DbPath))
        {
            store.SaveBan(new Ban("ssh", IPAddress.Parse("203.0.113.9"), T0, T0.AddHours(1), 3, 1, fields));
            store.SaveBan(new Ban("ssh", IPAddress.Parse("2001:db8::9"), T0, null, 5, 2, new Dictionary<string, string>(), Manual: true));
            store.SaveCheckpoint(
                [new FilePosition("/var/log/auth.log", 2049, 123456, 789)],
                [("ssh", IPAddress.Parse("192.0.2.1"), [T0, T0.AddSeconds(5)])],
                []);
        }
        using (var store = SqliteStore.Open(DbPath))
        {
            var bans = store.LoadBans();
            Assert.Equal(2, bans.Count);
            var first = bans.Single(b => b.Address.Equals(IPAddress.Parse("203.0.113.9")));
            Assert.Equal(T0.AddHours(1), first.End);
            Assert.Equal(fields, first.Fields);
            var permanent = bans.Single(b => b.Address.Equals(IPAddress.Parse("2001:db8::9")));
            Assert.True(permanent.Permanent);
            Assert.True(permanent.Manual);

            Assert.Equal(new FilePosition("/var/log/auth.log", 2049, 123456, 789), store.Load("/var/log/auth.log"));
            Assert.Null(store.Load("/nope"));
            var failure = Assert.Single(store.LoadFailures());
            Assert.Equal([T0, T0.AddSeconds(5)], failure.Times);

            Assert.Equal(1, store.CountPreviousBans("ssh", IPAddress.Parse("203.0.113.9"), T0.AddDays(-1)));
            Assert.Equal(0, store.CountPreviousBans("web", IPAddress.Parse("203.0.113.9"), T0.AddDays(-1)));
        }
    }

    [Fact]
    public void Removing_a_ban_keeps_its_history_for_the_increment_and_cleared_failures_go()
    {
        using var store = SqliteStore.Open(DbPath);
        var address = IPAddress.Parse("198.51.100.4");
        store.SaveBan(new Ban("ssh", address, T0, T0.AddMinutes(1), 3, 1, new Dictionary<string, string>()));
        store.RemoveBan("ssh", address);
        store.SaveBan(new Ban("ssh", address, T0.AddHours(1), T0.AddHours(2), 3, 2, new Dictionary<string, string>()));
        store.RemoveBan("ssh", address);
        Assert.Empty(store.LoadBans());
        Assert.Equal(2, store.CountPreviousBans("ssh", address, T0.AddDays(-1)));
        store.PurgeHistory(T0.AddMinutes(30));
        Assert.Equal(1, store.CountPreviousBans("ssh", address, T0.AddDays(-1)));

        store.SaveCheckpoint([], [("ssh", address, [T0])], []);
        store.SaveCheckpoint([], [], [("ssh", address)]);
        Assert.Empty(store.LoadFailures());
    }

    [Fact]
    public void Failure_rows_keep_long_time_lists_long_ipv6_and_hostile_jail_names()
    {
        // 200 times is past the stack buffer the row is formatted in; a jail name is written as data, never as SQL.
        var many = Enumerable.Range(0, 200).Select(i => T0.AddSeconds(i)).ToList();
        var scoped = IPAddress.Parse("2001:db8:ffff:ffff:ffff:ffff:ffff:fffe");
        using (var store = SqliteStore.Open(DbPath))
        {
            store.SaveCheckpoint([], [("ssh", IPAddress.Parse("198.51.100.4"), many), ("x'); DROP TABLE failures; --", scoped, [T0])], []);
        }
        using (var store = SqliteStore.Open(DbPath))
        {
            var rows = store.LoadFailures().ToDictionary(r => r.Jail);
            Assert.Equal(2, rows.Count);
            Assert.Equal(many, rows["ssh"].Times);
            Assert.Equal(IPAddress.Parse("198.51.100.4"), rows["ssh"].Address);
            Assert.Equal(scoped, rows["x'); DROP TABLE failures; --"].Address);
        }
    }

    [Fact]
    public void A_database_that_cannot_be_created_is_a_clear_error()
    {
        var blocker = Path.Combine(_dir.FullName, "file");
        File.WriteAllText(blocker, "");
        var e = Assert.Throws<StoreException>(() => SqliteStore.Open(Path.Combine(blocker, "sj.db")));
        Assert.Contains(blocker, e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(true);
}
