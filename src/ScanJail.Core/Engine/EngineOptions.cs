namespace ScanJail.Core.Engine;

/// <summary>
/// <paramref name="Replay"/>: count by each line's own time even when it is older than findtime
/// (benchmarks and replaying old logs); live engines ignore such lines as fail2ban does.
/// <paramref name="CheckpointInterval"/>: how often positions and failure counts are saved together.
/// <paramref name="ActionStopTimeout"/>: how long a stop waits for the actions' queues to drain.
/// </summary>
public sealed record EngineOptions(bool Replay = false, TimeSpan? CheckpointInterval = null, TimeSpan? ActionStopTimeout = null)
{
    public TimeSpan Checkpoint => CheckpointInterval ?? TimeSpan.FromSeconds(1);
    public TimeSpan StopTimeout => ActionStopTimeout ?? TimeSpan.FromSeconds(30);
}
