using ScanJail.Listener.Configuration;

namespace ScanJail.Listener.Host;

/// <summary>
/// The ports this host's own services use, re-read from <c>/proc/net/{tcp,tcp6,udp,udp6}</c>:
/// TCP ports in LISTEN, and every bound UDP port. A UDP port stays "in use" for
/// <see cref="UdpMemory"/> after its socket closed, so a late reply to one of the host's own
/// queries (DNS, NTP from an ephemeral port) is not taken for a probe. Snapshots are immutable,
/// so sensor threads read them without locks.
/// </summary>
public sealed class LocalPorts
{
    public static readonly TimeSpan UdpMemory = TimeSpan.FromSeconds(60);
    private const int Listen = 0x0A;

    private readonly string _root;
    private readonly Dictionary<int, DateTimeOffset> _udpSeen = [];
    private volatile PortSet _tcp = PortSet.Empty;
    private volatile PortSet _udp = PortSet.Empty;

    public LocalPorts(string root = "/proc/net")
    {
        _root = root;
        Ephemeral = ReadEphemeral();
    }

    /// <summary>
    /// The kernel's ephemeral port range (<c>net.ipv4.ip_local_port_range</c>, which IPv6 shares),
    /// where replies to the host's own outgoing UDP land, often before a re-read of the socket table
    /// could see the short-lived socket that asked. audp watches it only while
    /// <see cref="OutgoingUdpTap"/> sees those outgoing datagrams.
    /// </summary>
    public (int Low, int High) Ephemeral { get; }

    public PortSet Tcp => _tcp;

    public PortSet Udp => _udp;

    private static (int, int) ReadEphemeral()
    {
        try
        {
            var f = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 2 && int.TryParse(f[0], System.Globalization.CultureInfo.InvariantCulture, out var low)
                && int.TryParse(f[1], System.Globalization.CultureInfo.InvariantCulture, out var high) && low <= high)
            {
                return (low, high);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return (32768, 60999);
    }

    /// <summary>Reads the tables again; true when either set changed.</summary>
    public bool Refresh(DateTimeOffset now)
    {
        var tcp = new PortSet();
        foreach (var file in (string[])["tcp", "tcp6"])
        {
            foreach (var row in ProcNet.Sockets(Path.Combine(_root, file)))
            {
                if (row.State == Listen)
                {
                    tcp.Add(row.LocalPort);
                }
            }
        }
        foreach (var file in (string[])["udp", "udp6"])
        {
            foreach (var row in ProcNet.Sockets(Path.Combine(_root, file)))
            {
                _udpSeen[row.LocalPort] = now;
            }
        }
        var udp = new PortSet();
        foreach (var (port, seen) in _udpSeen.ToList())
        {
            if (now - seen > UdpMemory)
            {
                _udpSeen.Remove(port);
            }
            else
            {
                udp.Add(port);
            }
        }
        var changed = tcp.ToString() != _tcp.ToString() || udp.ToString() != _udp.ToString();
        _tcp = tcp;
        _udp = udp;
        return changed;
    }
}
