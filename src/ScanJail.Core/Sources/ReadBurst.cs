namespace ScanJail.Core.Sources;

/// <summary>
/// Whether the line a source is writing now is followed by more that it has already read (the rest of
/// a read chunk, or a full chunk that the file probably continues). The file source's router runs on
/// the reading thread only for the last line of a burst, when nothing else waits to be read: a line
/// appended at idle is then routed without waiting for a pool thread, while under a flood reading and
/// routing still run side by side (see SourcePipeline).
/// </summary>
internal sealed class ReadBurst
{
    private volatile bool _moreComing;

    /// <summary>True while the writer has more lines of the same read to write after the current one.</summary>
    public bool MoreComing => _moreComing;

    /// <summary>Called by the writer before each line it writes.</summary>
    public void Writing(bool moreComing) => _moreComing = moreComing;
}
