namespace ScanJail.Core.Sources.Syslog;

/// <summary>Which syslog envelope a message came in.</summary>
public enum SyslogFormat
{
    /// <summary>No envelope could be read: the whole text is the message.</summary>
    None,

    /// <summary>RFC 3164 (BSD syslog, glibc's syslog(3), rsyslog's default forwarding format).</summary>
    Rfc3164,

    /// <summary>RFC 5424 (version 1, structured data).</summary>
    Rfc5424,
}
