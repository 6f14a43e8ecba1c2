using ScanJail.Core.Syslog;
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

    /// <summary>
    /// Reads an address in the listener's target form (<see cref="SyslogTarget"/>), with the receiver's
    /// own rules on top: the host must be an IP address (the address given is the address bound; names
    /// are not resolved), and a relative unix path is taken from <paramref name="directory"/>.
    /// </summary>
    public static bool TryParse(string text, string directory, out SyslogAddress? address, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = null;
        if (text.StartsWith("unix:", StringComparison.Ordinal) && text.Length > "unix:".Length && !text.Contains('\0', StringComparison.Ordinal))
        {
            text = "unix:" + System.IO.Path.GetFullPath(text["unix:".Length..], directory);
        }
        if (!SyslogTarget.TryParse(text, out var target, out error))
        {
            return false;
        }
        if (target!.Transport == SyslogTransport.Unix)
        {
            address = new SyslogAddress(SyslogTransport.Unix, null, 0, target.Path);
            return true;
        }
        if (!AddressParser.TryParse(target.Host, out var host))
        {
            error = $"'{target.Host}' is not an IP address: a receiver binds an address (names are not resolved)";
            return false;
        }
        address = new SyslogAddress(target.Transport, host, target.Port, null);
        return true;
    }
}
