using System.Threading.Channels;
using ScanJail.Core.Diagnostics;

namespace ScanJail.Core.Sources;

/// <summary>
/// A producer of log lines. <see cref="RunAsync"/> writes lines to <paramref name="output"/> until
/// cancelled; the caller owns the channel and completes it. A source never stops on a bad line:
/// it counts it and goes on.
/// </summary>
public interface ILogSource
{
    string Name { get; }

    SourceCounters Counters { get; }

    /// <summary>
    /// Completes once the source has taken its start positions (a new file's end, a saved offset):
    /// a line written after that is read. The engine reports itself ready only then.
    /// </summary>
    Task Started { get; }

    Task RunAsync(ChannelWriter<LogLine> output, CancellationToken cancellationToken);
}

/// <summary>What a source has seen, for <c>stats</c>.</summary>
public sealed class SourceCounters
{
    public Counter Lines { get; } = new();
    public Counter Bytes { get; } = new();
    public Counter TooLong { get; } = new();
    public Counter InvalidUtf8 { get; } = new();
    public Counter Rotations { get; } = new();
    public Counter Errors { get; } = new();

    /// <summary>Network sources: senders refused (outside the allow list, or too many connections).</summary>
    public Counter Refused { get; } = new();
}
