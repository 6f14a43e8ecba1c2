using System.Threading.Channels;

namespace ScanJail.Core.Sources;

/// <summary>
/// What every reader of one <see cref="FileSource"/> shares: where lines go, the counters, the clock,
/// the line limit and one read buffer (the source reads its files one at a time, on one task).
/// </summary>
internal sealed class ReadContext(
    ChannelWriter<LogLine> output, SourceCounters counters, TimeProvider time, int maxLineLength, LineScreen? screen = null, ReadBurst? burst = null,
    ILineSink? sink = null, int bufferSize = ReadContext.BufferSize)
{
    /// <summary>When set, lines go to it instead of <see cref="Output"/>, with no <see cref="LogLine"/> made (see <see cref="ILineSink"/>).</summary>
    public ILineSink? Sink { get; } = sink;

    /// <summary>Lines no reader of the source can match are not decoded (null: every line is).</summary>
    public LineScreen? Screen { get; } = screen;

    public const int BufferSize = 64 * 1024;

    public ChannelWriter<LogLine> Output { get; } = output;

    public SourceCounters Counters { get; } = counters;

    public TimeProvider Time { get; } = time;

    public int MaxLineLength { get; } = Math.Max(1, maxLineLength);

    public byte[] Buffer { get; } = new byte[Math.Max(1, bufferSize)];

    // Lines decoded for the sink: reused, grown to the longest line (a line's UTF-16 length is at most its byte length).
    private char[] _chars = new char[256];

    /// <summary>Decodes <paramref name="line"/> as the channel path does (invalid bytes replaced) into characters valid until the next call.</summary>
    public ReadOnlySpan<char> Decode(ReadOnlySpan<byte> line) => Decode(line, out _);

    /// <summary>
    /// <see cref="Decode(ReadOnlySpan{byte})"/>, saying whether the line was valid UTF-8: one pass over a valid line
    /// instead of a check then a decoding (an invalid one is decoded again, with its bytes replaced).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<char> Decode(ReadOnlySpan<byte> line, out bool valid)
    {
        if (_chars.Length < line.Length)
        {
            _chars = new char[Math.Max(line.Length, _chars.Length * 2)];
        }
        valid = System.Text.Unicode.Utf8.ToUtf16(line, _chars, out _, out var written, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done;
        return _chars.AsSpan(0, valid ? written : FileReader.Decoder.GetChars(line, _chars));
    }

    /// <summary>
    /// Writes <paramref name="line"/>, saying first whether more of the same read follows it. With a
    /// <see cref="ReadBurst"/> the channel runs its continuations synchronously: a router freeing room
    /// for a waiting write resumes it on the router's thread, so the reading moves on to the pool and
    /// the router's thread goes back to routing.
    /// </summary>
    public async ValueTask WriteAsync(LogLine line, bool moreComing, CancellationToken cancellationToken)
    {
        burst?.Writing(moreComing);
        if (!Output.TryWrite(line))
        {
            await Output.WriteAsync(line, cancellationToken);
            if (burst is not null)
            {
                await new PoolHop();
            }
        }
    }
}
