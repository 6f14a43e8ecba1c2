namespace ScanJail.Listener.Packets;

/// <summary>Classifies the TCP flag byte of a packet that opens nothing yet.</summary>
public static class TcpFlags
{
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;
    public const byte Urg = 0x20;

    /// <summary>
    /// SYN alone (ECE/CWR allowed, as ECN-capable stacks send): syn. FIN alone: fin. No flag: null.
    /// FIN+PSH+URG: xmas (nmap's -sX). Any packet with ACK or RST is a reply or part of a
    /// connection (the host's own outgoing connections get SYN-ACK and RST back), never a probe.
    /// Anything else (SYN+FIN, PSH alone...): other.
    /// </summary>
    public static ProbeKind Classify(byte flags)
    {
        if ((flags & (Ack | Rst)) != 0)
        {
            return ProbeKind.Reply;
        }
        var core = flags & 0x3F;
        return core switch
        {
            Syn => ProbeKind.Syn,
            Fin => ProbeKind.Fin,
            0 => ProbeKind.Null,
            Fin | Psh | Urg => ProbeKind.Xmas,
            _ => ProbeKind.Other,
        };
    }
}
