namespace ScanJail.Core.Persistence;

/// <summary>
/// What a start's reads skipped or mended in rows no engine writes (a hand-edited or damaged database): a row
/// without a usable address or time is skipped, a ban whose captures are not JSON is kept without them, a count
/// outside its range is clamped. The engine logs them once, with the first one's place, and starts with the rest.
/// The reads run one after another (the bans' on a pool thread, awaited before the others), never at once.
/// </summary>
public sealed class StoredRowIssues
{
    public int Skipped { get; private set; }

    public int Mended { get; private set; }

    /// <summary>The first issue met: the table and what was wrong.</summary>
    public string? First { get; private set; }

    public bool Any => Skipped + Mended > 0;

    internal void Skip(string table, string why)
    {
        Skipped++;
        First ??= $"{table}: {why}, skipped";
    }

    internal void Mend(string table, string why)
    {
        Mended++;
        First ??= $"{table}: {why}";
    }
}
