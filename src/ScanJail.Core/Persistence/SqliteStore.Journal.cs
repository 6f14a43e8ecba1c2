using ScanJail.Core.Bans;

namespace ScanJail.Core.Persistence;

/// <summary>
/// A batch's bans go to the <see cref="BanJournal"/> first and their rows are written at the batch's commit: the
/// engine then starts a ban's action before the commit (<see cref="BatchBansJournaled"/>), since the journal's record
/// already outlives a kill -9, and the ban's way to its command no longer carries SQLite's statements and commit.
/// </summary>
public sealed partial class SqliteStore
{
    private BanJournal? _journal;

    // Bans of the open batch recorded in the journal whose rows are not written yet, oldest first.
    private readonly List<Ban> _journaled = [];

    // The last record's sequence number, and the highest one a committed batch covers (meta 'journal').
    private long _journalSequence;
    private long _journalCommitted;
    private RawStatement? _saveJournalCommitted;

    // A ban of the open batch the journal refused, written as rows: its action must wait for the commit.
    private bool _unjournaledBan;

    /// <summary>
    /// True unless a ban of the open batch could not be recorded in the journal (its file refused the write): then
    /// the batch's actions must wait for <see cref="CommitBatch"/>.
    /// </summary>
    public bool BatchBansJournaled
    {
        get
        {
            lock (_gate)
            {
                return !_unjournaledBan;
            }
        }
    }

    /// <summary>Bans <see cref="Open"/> found only in the journal (their batch never committed) and wrote.</summary>
    public int ReplayedFromJournal { get; private set; }

    /// <summary>Writes the journal refused (the ban was then written as rows before its action, as without one).</summary>
    public long JournalErrors { get; private set; }

    // Records the ban in the journal, its rows left for the commit; false when there is no journal or it refused.
    private bool TryJournal(Ban ban)
    {
        if (_journal is null)
        {
            return false;
        }
        try
        {
            _journal.Append(_journalSequence + 1, ban);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            JournalErrors++;
            return false;
        }
        _journalSequence++;
        _journaled.Add(ban);
        Span<char> address = stackalloc char[AddressLength];
        _history.Add(ban.Jail, address[..Format(ban.Address, address)]); // a later ban's count in this batch asks SQLite
        return true;
    }

    // Writes the journaled bans' rows into the batch: at its commit, and before anything else reads or changes the
    // bans (an unban in the same batch must delete the row after it was written, not before). On a failure the
    // bans not yet written stay for the next call.
    private void WriteJournaled()
    {
        if (_journaled.Count == 0)
        {
            return;
        }
        JoinBatch();
        var written = 0;
        try
        {
            foreach (var ban in _journaled)
            {
                WriteBan(ban);
                written++;
            }
        }
        finally
        {
            _journaled.RemoveRange(0, written);
        }
    }

    // In the batch, before its COMMIT: the records up to now have their rows in it.
    private void MarkJournalCommitted()
    {
        if (_journalSequence == _journalCommitted)
        {
            return;
        }
        JoinBatch();
        _saveJournalCommitted ??= new RawStatement(_connection, "INSERT OR REPLACE INTO meta (key, value) VALUES ('journal', ?1)");
        _saveJournalCommitted.Text(1, _journalSequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _saveJournalCommitted.Run();
    }

    // After a commit: every record in the journal is covered, unless a batch failed since (its bans are then
    // rewritten by BanBook.SaveUnsaved; the journal keeps covering them until the next commit that succeeds).
    private void ClearJournal()
    {
        if (_journal is not { IsEmpty: false } journal)
        {
            return;
        }
        try
        {
            journal.Clear();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left as it is: its records are all committed, so the next start finds their rows and writes nothing.
            JournalErrors++;
        }
    }

    // At open, before any ban: the bans of records no committed batch covers (the engine was killed between a
    // ban's action and its batch's commit) get their rows, in one transaction with the new mark. Then the journal
    // is emptied and kept open for this run.
    private void ReplayJournal()
    {
        using (var mark = new RawStatement(_connection, "SELECT value FROM meta WHERE key = 'journal'"))
        {
            _journalCommitted = mark.NextRow() && long.TryParse(mark.ColumnUtf8(0), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var committed) ? committed : 0;
        }
        _journalSequence = _journalCommitted;
        _journal = BanJournal.Open(BanJournal.PathFor(Path));
        JournalIssues = new StoredRowIssues();
        var records = _journal.Read(JournalIssues);
        if (records.Count > 0)
        {
            using var tx = WriteTransaction.Begin(_connection);
            foreach (var (sequence, ban) in records)
            {
                if (sequence > _journalCommitted)
                {
                    WriteBan(ban);
                    ReplayedFromJournal++;
                }
                _journalSequence = Math.Max(_journalSequence, sequence);
            }
            MarkJournalCommitted();
            tx.Commit();
            _journalCommitted = _journalSequence;
        }
        ClearJournal();
    }

    /// <summary>Lines of the journal <see cref="Open"/> could not read (a record torn by a power cut), skipped.</summary>
    public StoredRowIssues JournalIssues { get; private set; } = new();
}
