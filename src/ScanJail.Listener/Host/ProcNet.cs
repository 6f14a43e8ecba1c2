using System.Globalization;
using System.Net;

namespace ScanJail.Listener.Host;

/// <summary>
/// Reads the kernel's socket and route tables under <c>/proc/net</c> (which show the calling
/// process's network namespace). Unreadable files give empty results: a sensor in a container
/// without some of them still runs.
/// </summary>
public static class ProcNet
{
    /// <summary>One socket row: local port, TCP state (0A is LISTEN), inode and kernel drop count (udp and raw rows).</summary>
    public readonly record struct SocketRow(int LocalPort, int State, long Inode, long Drops);

    public static IEnumerable<SocketRow> Sockets(string file)
    {
        foreach (var line in Lines(file).Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10)
            {
                continue;
            }
            var colon = f[1].LastIndexOf(':');
            if (colon < 0
                || !int.TryParse(f[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port)
                || !int.TryParse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var state)
                || !long.TryParse(f[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                continue;
            }
            // udp and raw rows end with "ref pointer drops"; tcp rows have no drops column.
            var drops = f.Length >= 13 && long.TryParse(f[12], NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : 0;
            yield return new SocketRow(port, state, inode, drops);
        }
    }

    /// <summary>Next hops of the default routes (IPv4 from <c>route</c>, IPv6 from <c>ipv6_route</c>).</summary>
    public static IEnumerable<IPAddress> DefaultGateways(string root = "/proc/net")
    {
        foreach (var line in Lines(Path.Combine(root, "route")).Skip(1))
        {
            var f = line.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 2 && f[1] == "00000000"
                && uint.TryParse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var gateway) && gateway != 0)
            {
                // The kernel writes the address in host (little-endian) order.
                yield return new IPAddress(BitConverter.GetBytes(gateway));
            }
        }
        foreach (var line in Lines(Path.Combine(root, "ipv6_route")))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 4 && f[0] == new string('0', 32) && f[1] == "00" && f[4] != new string('0', 32) && f[4].Length == 32)
            {
                yield return new IPAddress(Convert.FromHexString(f[4]));
            }
        }
    }

    /// <summary>The <c>nameserver</c> addresses of a resolv.conf.</summary>
    public static IEnumerable<IPAddress> Resolvers(string path = "/etc/resolv.conf")
    {
        foreach (var line in Lines(path))
        {
            var f = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 2 && f[0] == "nameserver" && IPAddress.TryParse(f[1].Split('%')[0], out var address))
            {
                yield return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            }
        }
    }

    /// <summary>The inode of a socket this process holds, from <c>/proc/self/fd</c>; 0 when unknown.</summary>
    public static long SocketInode(IntPtr handle)
    {
        try
        {
            var target = new FileInfo($"/proc/self/fd/{handle}").LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                && long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                return inode;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static string[] Lines(string file)
    {
        try
        {
            return File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
