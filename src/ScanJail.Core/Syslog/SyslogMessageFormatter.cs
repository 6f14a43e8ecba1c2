using System.Globalization;
using System.Text;

namespace ScanJail.Core.Syslog;

/// <summary>
/// Builds the bytes of one syslog message. Local (<c>/dev/log</c>): RFC 3164 as glibc's
/// <c>syslog(3)</c> writes it, <c>&lt;PRI&gt;Mmm dd hh:mm:ss TAG[PID]: MSG</c> (local time, day
/// padded with a space, no host name: the daemon adds it). Remote: RFC 5424,
/// <c>&lt;PRI&gt;1 TIMESTAMP HOST APP PROCID - - MSG</c>, with an octet count in front over TCP.
/// </summary>
public sealed class SyslogMessageFormatter
{
    private readonly int _facility;
    private readonly string _tag;
    private readonly string _hostName;
    private readonly int _pid;
    private readonly TimeZoneInfo _zone;

    public SyslogMessageFormatter(int facility, string tag, string hostName, int pid, TimeZoneInfo zone)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(facility);
        _facility = facility;
        _tag = tag;
        _hostName = string.IsNullOrEmpty(hostName) ? "-" : hostName;
        _pid = pid;
        _zone = zone;
    }

    public byte[] Format(SyslogTransport transport, SyslogSeverity severity, string message, DateTimeOffset time)
    {
        var pri = (_facility * 8) + (int)severity;
        string text;
        if (transport == SyslogTransport.Unix)
        {
            var local = TimeZoneInfo.ConvertTime(time, _zone);
            text = string.Create(CultureInfo.InvariantCulture, $"<{pri}>{local:MMM} {local.Day,2} {local:HH:mm:ss} {_tag}[{_pid}]: {message}");
        }
        else
        {
            var stamp = time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            text = string.Create(CultureInfo.InvariantCulture, $"<{pri}>1 {stamp} {_hostName} {_tag} {_pid} - - {message}");
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        if (transport != SyslogTransport.Tcp)
        {
            return bytes;
        }
        // RFC 6587 octet counting: "LEN SP MSG", so a message may hold any byte, newlines included.
        var prefix = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{bytes.Length} "));
        return [.. prefix, .. bytes];
    }
}
