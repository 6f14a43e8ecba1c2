using System.Net;
using ScanJail.Listener.Configuration;

namespace ScanJail.Listener.Packets;

/// <summary>One packet (or connection) to a watched port. <see cref="Destination"/> is null where the kernel does not tell (IPv6 raw sockets).</summary>
public sealed record Probe(IPAddress Source, int SourcePort, IPAddress? Destination, int DestinationPort, bool Tcp, ProbeKind Kind, ListenMode Mode);
