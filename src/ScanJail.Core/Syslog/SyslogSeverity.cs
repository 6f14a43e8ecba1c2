namespace ScanJail.Core.Syslog;

/// <summary>The syslog severities used here (RFC 5424 codes).</summary>
public enum SyslogSeverity
{
    Alert = 1,
    Critical = 2,
    Error = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
}
