using System.Net;
using ScanJail.Listener.Output;
using ScanJail.Listener.Packets;

namespace ScanJail.Listener.Detection;

/// <summary>What the detector remembers of one source. Owned by the detector loop alone.</summary>
internal sealed class SourceState
{
    public SourceState(IPAddress source) => Source = source;

    public IPAddress Source { get; }

    public DateTimeOffset LastSeen { get; set; }

    /// <summary>Probes held back until the source has probed the trigger count of distinct ports.</summary>
    public List<Probe>? Pending { get; set; } = [];

    /// <summary>When each (protocol, port) was last reported; key = port, plus 65536 for UDP.</summary>
    public Dictionary<int, DateTimeOffset> Reported { get; } = [];

    /// <summary>Ports past the rate bound, waiting for a summary line.</summary>
    public Dictionary<SummaryKey, SortedSet<int>> Summaries { get; } = [];

    public int SummaryProbes { get; set; }

    public DateTimeOffset SummaryStarted { get; set; }

    public LinkedListNode<SourceState>? Node { get; set; }

    public int Entries => Reported.Count + (Pending?.Count ?? 0) + Summaries.Values.Sum(s => s.Count);
}
