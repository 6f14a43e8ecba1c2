namespace ScanJail.Listener.Detection;

/// <summary>What the detector did, for the shutdown line and tests.</summary>
public sealed class DetectorCounters
{
    public long Probes { get; set; }
    public long Ignored { get; set; }
    public long Suppressed { get; set; }
    public long Alerts { get; set; }
    public long Summarised { get; set; }
    public long SummaryLines { get; set; }
    public long SourcesForgotten { get; set; }
    /// <summary>Probes in the summaries of sources forgotten before their summary line was written.</summary>
    public long LostWithForgottenSources { get; set; }
}
