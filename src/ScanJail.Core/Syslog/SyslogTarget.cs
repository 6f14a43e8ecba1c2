using System.Globalization;

namespace ScanJail.Core.Syslog;

/// <summary>
/// Where syslog lines go: <c>unix:/dev/log</c> (the local syslog daemon, RFC 3164 as glibc writes
/// it), <c>udp://HOST:PORT</c> or <c>tcp://HOST:PORT</c> (a remote syslog, RFC 5424; octet-counting
/// framing over TCP). An IPv6 host is written in brackets: <c>udp://[2001:db8::1]:514</c>.
/// </summary>
public sealed record SyslogTarget(SyslogTransport Transport, string Host, int Port, string Path)
{
    public static SyslogTarget DevLog { get; } = new(SyslogTransport.Unix, "", 0, "/dev/log");

    /// <summary>Reads a target; on failure <paramref name="error"/> says what form is expected. Never throws.</summary>
    public static bool TryParse(string? text, out SyslogTarget? target, out string error)
    {
        target = null;
        error = "";
        const string Expected = "expected unix:PATH, udp://HOST:PORT or tcp://HOST:PORT";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = Expected;
            return false;
        }
        if (text.StartsWith("unix:", StringComparison.Ordinal))
        {
            var path = text["unix:".Length..];
            if (path.Length == 0)
            {
                error = $"{Expected}; the unix socket path is empty";
                return false;
            }
            if (!path.StartsWith('/'))
            {
                error = $"the unix socket path must be absolute, found '{path}'";
                return false;
            }
            target = new SyslogTarget(SyslogTransport.Unix, "", 0, path);
            return true;
        }
        SyslogTransport transport;
        string rest;
        if (text.StartsWith("udp://", StringComparison.Ordinal))
        {
            (transport, rest) = (SyslogTransport.Udp, text["udp://".Length..]);
        }
        else if (text.StartsWith("tcp://", StringComparison.Ordinal))
        {
            (transport, rest) = (SyslogTransport.Tcp, text["tcp://".Length..]);
        }
        else
        {
            error = $"{Expected}, found '{text}'";
            return false;
        }
        var colon = rest.LastIndexOf(':');
        if (colon <= 0)
        {
            error = $"{Expected} (the port is missing), found '{text}'";
            return false;
        }
        var host = rest[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            error = $"write an IPv6 host in brackets, as udp://[2001:db8::1]:514, found '{text}'";
            return false;
        }
        if (host.Length == 0 || host.Any(char.IsWhiteSpace)
            || !int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            error = $"{Expected} with a port from 1 to 65535, found '{text}'";
            return false;
        }
        target = new SyslogTarget(transport, host, port, "");
        return true;
    }

    public override string ToString() => Transport switch
    {
        SyslogTransport.Unix => $"unix:{Path}",
        SyslogTransport.Udp => $"udp://{HostText}:{Port}",
        _ => $"tcp://{HostText}:{Port}",
    };

    private string HostText => Host.Contains(':') ? $"[{Host}]" : Host;
}
