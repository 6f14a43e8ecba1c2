namespace ScanJail.Core.Persistence;

/// <summary>
/// What a start's reads skipped or mended in rows no engine writes (a hand-edited or damaged database): a row
/// without a usable address or time is skipped, a ban whose captures are not JSON is kept without them, a count
/// outside its range is clamped. The engine logs them once, with the first one's place, and starts with the rest.
/// </summary>
public sealed class StoredRowIssues
{
    private int _skipped;
    private int _mended;
    private string? _first;

    public int Skipped => Volatile.Read(ref _skipped);

    public int Mended => Volatile.Read(ref _mended);

    /// <summary>The first issue met: the table and what was wrong.</summary>
    public string? First => Volatile.Read(ref _first);

    public bool Any => Skipped + Mended > 0;

    internal void Skip(string table, string why)
    {
        Interlocked.Increment(ref _skipped);
        Interlocked.CompareExchange(ref _first, $"{table}: {why}, skipped", null);
    }

    internal void Mend(string table, string why)
    {
        Interlocked.Increment(ref _mended);
        Interlocked.CompareExchange(ref _first, $"{table}: {why}", null);
    }
}
