using System.Threading.Channels;

namespace ScanJail.Core.Sources;

/// <summary>
/// What every reader of one <see cref="FileSource"/> shares: where lines go, the counters, the clock,
/// the line limit and one read buffer (the source reads its files one at a time, on one task).
/// </summary>
internal sealed class ReadContext(ChannelWriter<LogLine> output, SourceCounters counters, TimeProvider time, int maxLineLength, LineScreen? screen = null)
{
    /// <summary>Lines no reader of the source can match are not decoded (null: every line is).</summary>
    public LineScreen? Screen { get; } = screen;

    public const int BufferSize = 64 * 1024;

    public ChannelWriter<LogLine> Output { get; } = output;

    public SourceCounters Counters { get; } = counters;

    public TimeProvider Time { get; } = time;

    public int MaxLineLength { get; } = Math.Max(1, maxLineLength);

    public byte[] Buffer { get; } = new byte[BufferSize];
}
