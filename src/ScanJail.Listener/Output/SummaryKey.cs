using System.Net;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Packets;

namespace ScanJail.Listener.Output;

/// <summary>What one summary line groups: one source, protocol, scan kind and mode.</summary>
public sealed record SummaryKey(IPAddress Source, bool Tcp, ProbeKind Kind, ListenMode Mode);
