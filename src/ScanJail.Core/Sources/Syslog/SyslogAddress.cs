using System.Globalization;
using System.Net;
using ScanJail.Core.Net;

namespace ScanJail.Core.Sources.Syslog;

/// <summary>
/// Where a syslog receiver listens: <c>udp://HOST:PORT</c>, <c>tcp://HOST:PORT</c> (HOST an IPv4
/// address or a bracketed IPv6 one, never a name) or <c>unix:PATH</c> (a datagram socket). The
/// address given is the address bound. The same forms as the listener's syslog target.
/// </summary>
public sealed record SyslogAddress(SyslogTransport Transport, IPAddress? Host, int Port, string? Path)
{
    public bool IsNetwork => Transport != SyslogTransport.Unix;

    public bool IsLoopback => Host is not null && IPAddress.IsLoopback(Host);

    public override string ToString() => Transport switch
    {
        SyslogTransport.Unix => $"unix:{Path}",
        _ => string.Create(CultureInfo.InvariantCulture,
            $"{(Transport == SyslogTransport.Udp ? "udp" : "tcp")}://{(Host!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Host}]" : Host.ToString())}:{Port}"),
    };

    /// <summary>Reads an address; on failure <paramref name="error"/> says what form is expected. Relative unix paths are taken from <paramref name="directory"/>.</summary>
    public static bool TryParse(string text, string directory, out SyslogAddress? address, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = null;
        error = "";
        const string Forms = "expected udp://ADDRESS:PORT, tcp://ADDRESS:PORT (an IP address, IPv6 in brackets) or unix:PATH";
        if (text.StartsWith("unix:", StringComparison.Ordinal))
        {
            var path = text["unix:".Length..];
            if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
            {
                error = $"{Forms}; the unix socket path is empty";
                return false;
            }
            address = new SyslogAddress(SyslogTransport.Unix, null, 0, System.IO.Path.GetFullPath(path, directory));
            return true;
        }
        SyslogTransport transport;
        if (text.StartsWith("udp://", StringComparison.Ordinal))
        {
            transport = SyslogTransport.Udp;
        }
        else if (text.StartsWith("tcp://", StringComparison.Ordinal))
        {
            transport = SyslogTransport.Tcp;
        }
        else
        {
            error = $"{Forms}, found '{text}'";
            return false;
        }
        var rest = text[6..];
        var colon = rest.LastIndexOf(':');
        if (colon <= 0)
        {
            error = $"{Forms}; '{text}' has no :PORT";
            return false;
        }
        var hostText = rest[..colon];
        if (hostText.StartsWith('[') && hostText.EndsWith(']'))
        {
            hostText = hostText[1..^1];
        }
        else if (hostText.Contains(':', StringComparison.Ordinal))
        {
            error = $"{Forms}; write an IPv6 address in brackets, as tcp://[::1]:6514";
            return false;
        }
        if (!AddressParser.TryParse(hostText, out var host))
        {
            error = $"{Forms}; '{hostText}' is not an IP address (names are not resolved)";
            return false;
        }
        if (!int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"{Forms}; the port must be a number from 1 to 65535, found '{rest[(colon + 1)..]}'";
            return false;
        }
        address = new SyslogAddress(transport, host, port, null);
        return true;
    }
}
