using System.Net;
using ScanJail.Core.Bans;
using ScanJail.Core.Persistence;

namespace ScanJail.Core.Tests.Persistence;

/// <summary>
/// The journal beside a real SQLite file: a batch's bans are durable once <see cref="SqliteStore.SaveBan"/> returns,
/// before the batch commits (the engine starts their actions then), and the next open writes exactly the bans no
/// committed batch covers. A store disposed without its commit is what a kill -9 leaves: the open transaction is lost.
/// </summary>
public sealed class BanJournalTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scanjail-journal-");
    private string DbPath => Path.Combine(_dir.FullName, "sj.db");
    private string JournalPath => BanJournal.PathFor(DbPath);

    [Fact]
    public void A_batchs_bans_outlive_a_crash_before_its_commit_with_every_field()
    {
        var fields = new Dictionary<string, string> { ["user"] = "root\n\t\"x'; DROP TABLE bans; --", ["port"] = "22" };
        using (var store = SqliteStore.Open(DbPath))
        {
            store.BeginBatch();
            store.SaveBan(new Ban("ssh", IPAddress.Parse("203.0.113.9"), T0, T0.AddHours(1), 3, 2, fields));
            store.SaveBan(new Ban("ssh", IPAddress.Parse("2001:db8::9"), T0, null, 5, 1, new Dictionary<string, string>(), Manual: true));
            Assert.True(store.BatchBansJournaled);
            // No commit: disposed as a kill -9 leaves it.
        }
        using var reopened = SqliteStore.Open(DbPath);
        Assert.Equal(2, reopened.ReplayedFromJournal);
        var bans = reopened.LoadBans();
        var first = bans.Single(b => b.Address.Equals(IPAddress.Parse("203.0.113.9")));
        Assert.Equal((T0, T0.AddHours(1), 3, 2, false), (first.Start, first.End, first.Failures, first.Count, first.Manual));
        Assert.Equal(fields, first.Fields);
        var permanent = bans.Single(b => b.Address.Equals(IPAddress.Parse("2001:db8::9")));
        Assert.True(permanent.Permanent && permanent.Manual);
        // Their history rows too: the increment counts them.
        Assert.Equal(1, reopened.CountPreviousBans("ssh", IPAddress.Parse("203.0.113.9"), T0.AddDays(-1)));
        Assert.Equal(0, new FileInfo(JournalPath).Length);
    }

    [Fact]
    public void Committed_records_are_not_written_again_even_when_the_journal_was_not_emptied()
    {
        using (var store = SqliteStore.Open(DbPath))
        {
            store.BeginBatch();
            store.SaveBan(Ban(1));
            store.CommitBatch();
            Assert.Equal(0, new FileInfo(JournalPath).Length);
            store.BeginBatch();
            store.SaveBan(Ban(2));
            var kept = File.ReadAllBytes(JournalPath);
            store.CommitBatch();
            // The ban lifted afterwards, then a crash that left ban 2's record in the journal (its emptying lost).
            store.RemoveBan("ssh", Address(2));
            File.WriteAllBytes(JournalPath, kept);
        }
        using var reopened = SqliteStore.Open(DbPath);
        Assert.Equal(0, reopened.ReplayedFromJournal);
        Assert.Equal([Address(1)], reopened.LoadBans().Select(b => b.Address));
    }

    [Fact]
    public void An_unban_in_the_same_batch_deletes_the_journaled_bans_row_and_counts_see_the_batchs_bans()
    {
        using var store = SqliteStore.Open(DbPath);
        store.BeginBatch();
        store.SaveBan(Ban(1));
        store.SaveBan(Ban(2));
        Assert.Equal(1, store.CountPreviousBans("ssh", Address(1), T0.AddDays(-1)));
        store.RemoveBan("ssh", Address(2));
        Assert.Equal([Address(1)], store.LoadBans().Select(b => b.Address));
        store.CommitBatch();
        Assert.Equal([Address(1)], store.LoadBans().Select(b => b.Address));
    }

    [Fact]
    public void A_torn_last_record_is_skipped_and_reported_and_the_records_before_it_written()
    {
        using (var store = SqliteStore.Open(DbPath))
        {
            store.BeginBatch();
            store.SaveBan(Ban(1));
            store.SaveBan(Ban(2));
        }
        var text = File.ReadAllText(JournalPath);
        File.WriteAllText(JournalPath, text[..(text.Length - 20)]); // a power cut in the middle of the second write
        using var reopened = SqliteStore.Open(DbPath);
        Assert.Equal(1, reopened.ReplayedFromJournal);
        Assert.Equal(1, reopened.JournalIssues.Skipped);
        Assert.Equal([Address(1)], reopened.LoadBans().Select(b => b.Address));
    }

    [Fact]
    public void Sequence_numbers_go_on_across_restarts_so_a_new_runs_records_are_never_taken_for_committed_ones()
    {
        for (var run = 1; run <= 3; run++)
        {
            using var store = SqliteStore.Open(DbPath);
            store.BeginBatch();
            store.SaveBan(Ban(run));
            store.CommitBatch();
            store.BeginBatch();
            store.SaveBan(Ban(10 + run)); // never committed: the next open writes it
        }
        using var reopened = SqliteStore.Open(DbPath);
        Assert.Equal(1, reopened.ReplayedFromJournal);
        Assert.Equal([1, 2, 3, 11, 12, 13], reopened.LoadBans().Select(b => (int)b.Address.GetAddressBytes()[3]).Order());
    }

    [Fact]
    public void Without_a_journal_that_takes_writes_a_ban_is_written_as_rows_and_the_batch_says_its_actions_wait()
    {
        // A journal whose writes fail as on a full disk: its path leads to /dev/full (every write ENOSPC).
        File.CreateSymbolicLink(JournalPath, "/dev/full");
        using var store = SqliteStore.Open(DbPath);
        store.BeginBatch();
        store.SaveBan(Ban(1));
        Assert.False(store.BatchBansJournaled);
        Assert.Equal(1, store.JournalErrors);
        store.CommitBatch();
        Assert.True(store.BatchBansJournaled);
        using var other = SqliteStore.Open(DbPath);
        Assert.Single(other.LoadBans());
    }

    private static IPAddress Address(int i) => IPAddress.Parse($"198.51.100.{i}");

    private static Ban Ban(int i) => new("ssh", Address(i), T0.AddMinutes(i), T0.AddHours(1), 1, 1, new Dictionary<string, string>());

    public void Dispose() => _dir.Delete(true);
}
