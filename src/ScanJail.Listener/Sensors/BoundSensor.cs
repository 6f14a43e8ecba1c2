using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Host;
using ScanJail.Listener.Packets;

namespace ScanJail.Listener.Sensors;

/// <summary>
/// tcp and udp modes: binds each listed port (one dual-stack socket per port when IPv6 is on).
/// A TCP connection is accepted, sent the banner if any, and closed; a UDP datagram is read.
/// A port that cannot be bound (busy, no permission) is reported through <c>onPortError</c> and
/// the other ports go on; the mode fails only when no port could be bound.
/// </summary>
public sealed class BoundSensor : ISensor
{
    private readonly ModeConfig _mode;
    private readonly bool _ipv4;
    private readonly bool _ipv6;
    private readonly ChannelWriter<Probe> _output;
    private readonly Action<string> _onPortError;
    private readonly Action<long> _listenerDrop;
    private readonly List<Socket> _sockets = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[]? _banner;

    public BoundSensor(ModeConfig mode, bool ipv4, bool ipv6, ChannelWriter<Probe> output, Action<string> onPortError, Action<long> listenerDrop)
    {
        _mode = mode;
        _ipv4 = ipv4;
        _ipv6 = ipv6;
        _output = output;
        _onPortError = onPortError;
        _listenerDrop = listenerDrop;
        _banner = mode.Banner is null ? null : Encoding.UTF8.GetBytes(mode.Banner + "\r\n");
    }

    public string Name => _mode.Mode.Name();

    private bool Tcp => _mode.Mode == ListenMode.Tcp;

    public IReadOnlyList<int> BoundPorts { get; private set; } = [];

    public void Start()
    {
        var bound = new List<int>();
        SocketException? last = null;
        foreach (var port in _mode.Ports.Ports().Where(p => !_mode.Exclude.Contains(p)))
        {
            try
            {
                var socket = Open(port);
                _sockets.Add(socket);
                bound.Add(port);
                _ = Tcp ? AcceptLoop(socket, port) : ReceiveLoop(socket, port);
            }
            catch (SocketException e)
            {
                last = e;
                _onPortError($"{Name} cannot bind {(Tcp ? "TCP" : "UDP")} port {port}: {e.Message}");
            }
        }
        BoundPorts = bound;
        if (bound.Count == 0 && last is not null)
        {
            throw last;
        }
    }

    public long KernelDrops()
    {
        if (Tcp)
        {
            return 0;
        }
        var inodes = _sockets.Select(s => ProcNet.SocketInode(s.Handle)).ToHashSet();
        return ((string[])["/proc/net/udp", "/proc/net/udp6"])
            .SelectMany(ProcNet.Sockets).Where(r => inodes.Contains(r.Inode)).Sum(r => r.Drops);
    }

    private Socket Open(int port)
    {
        var family = _ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var socket = Tcp
            ? new Socket(family, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (_ipv6)
            {
                socket.DualMode = _ipv4;
            }
            socket.Bind(new IPEndPoint(_ipv6 ? IPAddress.IPv6Any : IPAddress.Any, port));
            if (Tcp)
            {
                socket.Listen(512);
            }
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptLoop(Socket socket, int port)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            using (client)
            {
                var remote = (IPEndPoint)client.RemoteEndPoint!;
                var local = (IPEndPoint)client.LocalEndPoint!;
                Emit(new Probe(remote.Address, remote.Port, Plain(local.Address), port, Tcp: true, ProbeKind.Connect, ListenMode.Tcp));
                if (_banner is not null)
                {
                    try
                    {
                        client.Blocking = false;
                        client.Send(_banner, SocketFlags.None);
                    }
                    catch (SocketException)
                    {
                        // The scanner may already have gone; the connect is what counts.
                    }
                }
            }
        }
    }

    private async Task ReceiveLoop(Socket socket, int port)
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // An ICMP error for an earlier datagram surfaces here (ECONNREFUSED); keep reading.
                continue;
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            var remote = (IPEndPoint)result.RemoteEndPoint;
            Emit(new Probe(remote.Address, remote.Port, null, port, Tcp: false, ProbeKind.Udp, ListenMode.Udp));
        }
    }

    private void Emit(Probe probe)
    {
        var plain = probe with { Source = Plain(probe.Source) };
        if (!_output.TryWrite(plain))
        {
            _listenerDrop(1);
        }
    }

    private static IPAddress Plain(IPAddress address) => AlwaysIgnored.WithoutScope(address);

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        _stop.Dispose();
    }
}
