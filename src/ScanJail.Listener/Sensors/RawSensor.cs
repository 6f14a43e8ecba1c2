using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ScanJail.Core.Scheduling;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Host;
using ScanJail.Listener.Packets;

namespace ScanJail.Listener.Sensors;

/// <summary>
/// A raw TCP or UDP socket of one family (stcp/sudp/atcp/audp), read on its own thread. The receive
/// buffer is raised to 8 MiB (SO_RCVBUFFORCE as root; the default 212,992 bytes lost up to a
/// quarter of a fast scan in the lab). Kernel drops are read from the socket's row in
/// <c>/proc/net/raw</c> or <c>raw6</c> (the <c>drops</c> column), found by the socket's inode.
/// </summary>
public sealed class RawSensor : ISensor
{
    public const int ReceiveBuffer = 8 * 1024 * 1024;
    private const int SolSocket = 1;
    private const int SoRcvBufForce = 33;

    /// <summary>
    /// How often at most a new source's probe is detected on this thread while packets wait in the socket
    /// (see <see cref="Run"/>): a flood of spoofed sources, each new, still leaves this thread to reading.
    /// </summary>
    internal static readonly TimeSpan PastWaitingEvery = TimeSpan.FromMilliseconds(10);

    private readonly AddressFamily _family;
    private readonly PortWatch _watch;
    private readonly ChannelWriter<Probe> _output;
    private readonly Action<long> _listenerDrop;
    private readonly OutgoingUdpTap? _ownUdp;
    private readonly Func<Probe, bool>? _observeNow;
    private Socket? _socket;
    private long _inode;
    private long _pastWaitingAt = long.MinValue;

    /// <param name="ownUdp">For UDP modes: recognises replies to the host's own datagrams, which are never probes.</param>
    /// <param name="observeNow">
    /// Hands a probe to the detector on this thread when the detector is idle (true), instead of through
    /// <paramref name="output"/>; tried only for a probe whose source differs from the previous probe's and
    /// when no packet waits in the socket or the last such probe detected past waiting ones is long enough ago, see <see cref="Run"/>.
    /// </param>
    public RawSensor(AddressFamily family, PortWatch watch, ChannelWriter<Probe> output, Action<long> listenerDrop, OutgoingUdpTap? ownUdp = null,
        Func<Probe, bool>? observeNow = null)
    {
        _ownUdp = ownUdp;
        _observeNow = observeNow;
        _family = family;
        _watch = watch;
        _output = output;
        _listenerDrop = listenerDrop;
    }

    private bool Tcp => _watch.Mode.Mode.IsTcp();

    public string Name => $"{_watch.Mode.Mode.Name()} on {(_family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")}";

    public void Start()
    {
        var socket = new Socket(_family, SocketType.Raw, Tcp ? ProtocolType.Tcp : ProtocolType.Udp);
        try
        {
            try
            {
                // Needs CAP_NET_ADMIN; without it the ordinary option below still raises the buffer up to rmem_max.
                socket.SetRawSocketOption(SolSocket, SoRcvBufForce, BitConverter.GetBytes(ReceiveBuffer));
            }
            catch (SocketException)
            {
                socket.ReceiveBufferSize = ReceiveBuffer;
            }
            // ReceiveFrom wants a bound socket; port 0 on a raw socket binds nothing but the family.
            socket.Bind(new IPEndPoint(_family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
            _inode = ProcNet.SocketInode(socket.Handle);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        var thread = new Thread(Run) { IsBackground = true, Name = Name };
        thread.Start();
    }

    public long KernelDrops()
    {
        var file = _family == AddressFamily.InterNetwork ? "/proc/net/raw" : "/proc/net/raw6";
        return _inode == 0 ? 0 : ProcNet.Sockets(file).Where(r => r.Inode == _inode).Select(r => r.Drops).FirstOrDefault();
    }

    /// <summary>
    /// Reads the socket until it is disposed. A probe from a new source (the first of a scan) goes to the
    /// detector on this thread when nothing else waits, in the socket or before the detector: its alert then
    /// leaves without waking the detector's thread (a hop of 0.05 to 0.1 ms idle, milliseconds on a busy
    /// machine, on the way from a scan to its drop). The rest of a burst takes the channel: detecting on
    /// the thread that reads lost probes of a full-range scan in round 5 (docs/latency.md). A new source's probe
    /// is detected here even when packets wait in the socket (nmap's second probe is often there already, and
    /// the channel's way waited 3 to 4 ms for a pool thread on a loaded machine), but at most once every
    /// <see cref="PastWaitingEvery"/>: those packets wait one detection (0.1 to 0.2 ms; the socket buffers 8 MB).
    /// </summary>
    private void Run()
    {
        var socket = _socket!;
        // A scan's first probe wakes this thread: with a short slice it does not wait for another thread's to end.
        ThreadSlice.TryShorten(ThreadSlice.Shortest);
        var buffer = new byte[65536];
        EndPoint any = _family == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        var mode = _watch.Mode.Mode;
        IPAddress? previous = null;
        while (true)
        {
            int length;
            EndPoint from = any;
            try
            {
                length = socket.ReceiveFrom(buffer, ref from);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            var packet = buffer.AsSpan(0, length);
            var probe = _family == AddressFamily.InterNetwork
                ? PacketParser.ParseIpv4(packet, mode)
                : PacketParser.ParseIpv6(packet, ((IPEndPoint)from).Address, Tcp, mode);
            if (probe is null || probe.Kind == ProbeKind.Reply || !_watch.Watches(probe.DestinationPort)
                || (!probe.Tcp && _ownUdp is not null && _ownUdp.IsReply(probe.Source, probe.SourcePort, probe.DestinationPort)))
            {
                continue;
            }
            var newSource = !probe.Source.Equals(previous);
            previous = probe.Source;
            if (newSource && _observeNow is { } observeNow && (socket.Available == 0 || PastWaitingDue(ref _pastWaitingAt, Stopwatch.GetTimestamp())) && observeNow(probe))
            {
                continue;
            }
            if (!_output.TryWrite(probe))
            {
                _listenerDrop(1);
            }
        }
    }

    public void Dispose() => _socket?.Dispose();

    /// <summary>True at most once every <see cref="PastWaitingEvery"/> (<paramref name="last"/>: the Stopwatch time of the last true, long.MinValue before any).</summary>
    internal static bool PastWaitingDue(ref long last, long now)
    {
        if (last != long.MinValue && Stopwatch.GetElapsedTime(last, now) < PastWaitingEvery)
        {
            return false;
        }
        last = now;
        return true;
    }
}
