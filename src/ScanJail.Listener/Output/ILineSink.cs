using ScanJail.Core.Syslog;

namespace ScanJail.Listener.Output;

/// <summary>Where finished lines go (the syslog writer in the program; a list in unit tests).</summary>
public interface ILineSink
{
    void Write(SyslogSeverity severity, string message);
}
