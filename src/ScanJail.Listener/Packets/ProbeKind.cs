namespace ScanJail.Listener.Packets;

/// <summary>What a probe looked like on the wire (or, for <see cref="Connect"/>, a completed connection).</summary>
public enum ProbeKind
{
    Syn,
    Fin,
    Null,
    Xmas,
    Other,
    Connect,
    Udp,
    /// <summary>Not a probe: a packet with ACK or RST, part of a connection or a reply to one of ours.</summary>
    Reply,
}
