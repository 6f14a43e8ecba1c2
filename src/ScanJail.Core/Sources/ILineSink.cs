namespace ScanJail.Core.Sources;

/// <summary>
/// Where a file source hands its lines when it routes them itself instead of writing them to a channel
/// (the engine's line router): no <see cref="LogLine"/> and no string per line (a filter that needs one makes
/// it), no hand-off per line between threads, and a line no filter can match (screened) costs nothing. Called by one reading task at a time.
/// </summary>
internal interface ILineSink
{
    /// <summary>
    /// Takes one line: <paramref name="text"/> its characters, valid only during the call (a reused buffer);
    /// empty and <paramref name="screened"/> for a line no filter can match, left undecoded. The position
    /// after it is <paramref name="file"/> at <paramref name="end"/> (-1: <paramref name="file"/> as it is).
    /// True when a message is ready for the engine: the caller then awaits <see cref="SendAsync"/> before the next line.
    /// </summary>
    bool Take(ReadOnlySpan<char> text, bool screened, DateTimeOffset readAt, FilePosition file, long end);

    /// <summary>
    /// Sends what is ready; with <paramref name="endOfRead"/> (the file has nothing more to read now, or a
    /// last partial line was flushed) everything taken so far goes out: the failures, then the position.
    /// </summary>
    ValueTask SendAsync(bool endOfRead);
}
