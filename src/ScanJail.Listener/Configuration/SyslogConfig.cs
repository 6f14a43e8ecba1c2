using ScanJail.Core.Syslog;

namespace ScanJail.Listener.Configuration;

public sealed record SyslogConfig(SyslogTarget Target, AlertFormat Format, int Facility, string Tag);
