namespace ScanJail.Core.Sources;

/// <summary>
/// Where a file source hands its lines when it routes them itself instead of writing them to a channel
/// (the engine's line router): no <see cref="LogLine"/> per line, no hand-off per line between threads,
/// and a line no filter can match (screened) costs no object at all. Called by one reading task at a time.
/// </summary>
internal interface ILineSink
{
    /// <summary>
    /// Takes one line: <paramref name="text"/> null for a screened line; the position after it is
    /// <paramref name="file"/> at <paramref name="end"/> (-1: <paramref name="file"/> as it is). True when
    /// a message is ready for the engine: the caller then awaits <see cref="SendAsync"/> before the next line.
    /// </summary>
    bool Take(string? text, DateTimeOffset readAt, FilePosition file, long end);

    /// <summary>
    /// Sends what is ready; with <paramref name="endOfRead"/> (the file has nothing more to read now, or a
    /// last partial line was flushed) everything taken so far goes out: the failures, then the position.
    /// </summary>
    ValueTask SendAsync(bool endOfRead);
}
