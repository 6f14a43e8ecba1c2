namespace ScanJail.Core.Sources.Syslog;

/// <summary>How a syslog receiver takes messages.</summary>
public enum SyslogTransport
{
    Udp,
    Tcp,
    Unix,
}
