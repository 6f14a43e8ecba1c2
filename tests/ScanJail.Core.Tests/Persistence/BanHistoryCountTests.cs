using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Data.Sqlite;
using ScanJail.Core.Bans;
using ScanJail.Core.Persistence;

namespace ScanJail.Core.Tests.Persistence;

/// <summary>
/// The earlier-bans count a ban asks (bantime increments, <c>&lt;count&gt;</c>) answered from memory for an
/// address with no history (BanHistoryKeys) must always equal SQLite's own count: over random bans, unbans,
/// batches, purges, warm-ups and restarts against a real SQLite file.
/// </summary>
public sealed class BanHistoryCountTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly string[] Jails = ["ssh", "web", "ssh "];
    private static readonly IPAddress[] Addresses =
        [.. new[] { "192.0.2.1", "192.0.2.10", "2001:db8::1", "::ffff:192.0.2.1", "2001:db8::" }.Select(IPAddress.Parse)];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scanjail-history-");

    private enum Step { Ban, Unban, Begin, Commit, Purge, Restart, WarmUp }

    [Fact]
    public void The_count_from_memory_equals_the_SQL_count_over_random_bans_unbans_purges_and_restarts()
    {
        var step = Gen.Frequency(
            (5, Gen.Constant(Step.Ban)), (2, Gen.Constant(Step.Unban)), (2, Gen.Constant(Step.Begin)), (2, Gen.Constant(Step.Commit)),
            (1, Gen.Constant(Step.Purge)), (1, Gen.Constant(Step.Restart)), (1, Gen.Constant(Step.WarmUp)));
        var op = step.SelectMany(s => Gen.Choose(0, Jails.Length - 1).SelectMany(j => Gen.Choose(0, Addresses.Length - 1)
            .SelectMany(a => Gen.Choose(-60, 600).Select(minutes => (s, j, a, minutes)))));
        var run = 0;
        Prop.ForAll(op.ListOf().ToArbitrary(), ops =>
        {
            var path = Path.Combine(_dir.FullName, $"run{run++}.db");
            var store = SqliteStore.Open(path);
            try
            {
                foreach (var (kind, j, a, minutes) in ops)
                {
                    store = Apply(store, path, kind, Jails[j], Addresses[a], T0.AddMinutes(minutes));
                    if (Mismatch(store) is { } wrong)
                    {
                        throw new InvalidOperationException($"after {kind} ({string.Join(", ", ops.Select(o => o.s))}): {wrong}");
                    }
                }
                return true;
            }
            finally
            {
                store.Dispose();
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_history_written_before_the_start_is_counted_and_text_SQLite_would_not_match_is_not()
    {
        var path = Path.Combine(_dir.FullName, "older.db");
        SqliteStore.Open(path).Dispose();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            // Another engine's rows; "2001:DB8::1" is not the text SQLite compares with, so it counts for nothing either way.
            insert.CommandText = $"""
                INSERT INTO ban_history (jail, ip, start_ms) VALUES
                ('ssh', '192.0.2.1', {T0.ToUnixTimeMilliseconds()}), ('ssh', '192.0.2.1', {T0.AddHours(1).ToUnixTimeMilliseconds()}),
                ('web', '2001:db8::', {T0.ToUnixTimeMilliseconds()}), ('ssh', '2001:DB8::1', {T0.ToUnixTimeMilliseconds()})
                """;
            insert.ExecuteNonQuery();
        }
        using var store = SqliteStore.Open(path);
        Assert.Equal(2, store.CountPreviousBans("ssh", IPAddress.Parse("192.0.2.1"), T0.AddDays(-30)));
        Assert.Equal(1, store.CountPreviousBans("ssh", IPAddress.Parse("192.0.2.1"), T0.AddMinutes(30)));
        Assert.Equal(1, store.CountPreviousBans("web", IPAddress.Parse("2001:db8::"), T0.AddDays(-30)));
        Assert.Equal(0, store.CountPreviousBans("ssh", IPAddress.Parse("2001:db8::1"), T0.AddDays(-30)));
        Assert.Null(Mismatch(store));
    }

    [Fact]
    public void An_address_never_banned_is_answered_without_asking_SQLite()
    {
        var path = Path.Combine(_dir.FullName, "dropped.db");
        using var store = SqliteStore.Open(path);
        store.SaveBan(new Ban("ssh", IPAddress.Parse("192.0.2.1"), T0, T0.AddHours(1), 3, 1, new Dictionary<string, string>()));
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE ban_history";
            drop.ExecuteNonQuery();
        }
        // With the table gone, only a question that reaches SQLite fails.
        Assert.Equal(0, store.CountPreviousBans("ssh", IPAddress.Parse("192.0.2.2"), T0.AddDays(-30)));
        Assert.Equal(0, store.CountPreviousBans("web", IPAddress.Parse("192.0.2.1"), T0.AddDays(-30)));
        Assert.Throws<SqliteException>(() => store.CountPreviousBans("ssh", IPAddress.Parse("192.0.2.1"), T0.AddDays(-30)));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static SqliteStore Apply(SqliteStore store, string path, Step kind, string jail, IPAddress address, DateTimeOffset at)
    {
        switch (kind)
        {
            case Step.Ban:
                store.SaveBan(new Ban(jail, address, at, at.AddHours(1), 3, 1, new Dictionary<string, string>()));
                break;
            case Step.Unban:
                store.RemoveBan(jail, address);
                break;
            case Step.Begin:
                store.BeginBatch();
                break;
            case Step.Commit:
                store.CommitBatch();
                break;
            case Step.Purge:
                store.PurgeHistory(at);
                break;
            case Step.WarmUp:
                store.WarmUp();
                break;
            case Step.Restart:
                store.CommitBatch();
                store.Dispose();
                return SqliteStore.Open(path);
        }
        return store;
    }

    private static string? Mismatch(SqliteStore store)
    {
        foreach (var jail in Jails)
        {
            foreach (var address in Addresses)
            {
                foreach (var since in new[] { T0.AddDays(-30), T0, T0.AddMinutes(300) })
                {
                    var fromMemory = store.CountPreviousBans(jail, address, since);
                    var fromSql = store.CountPreviousBansInDatabase(jail, address, since);
                    if (fromMemory != fromSql)
                    {
                        return $"'{jail}' {address} since {since:HH:mm}: {fromMemory} from memory, {fromSql} in SQLite";
                    }
                }
            }
        }
        return null;
    }
}
