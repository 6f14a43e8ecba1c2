namespace ScanJail.Core.Syslog;

/// <summary>How a syslog line travels: a local unix datagram socket, or the network.</summary>
public enum SyslogTransport
{
    Unix,
    Udp,
    Tcp,
}
