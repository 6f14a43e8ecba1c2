using ScanJail.Listener.Configuration;
using ScanJail.Listener.Host;

namespace ScanJail.Listener.Sensors;

/// <summary>
/// Decides whether a packet to a port is a probe for one raw mode. Stealth (stcp/sudp): the listed
/// ports, minus excludes and the ports this listener binds itself. Advanced (atcp/audp): every
/// port of the range on which no local service listens (re-read by <see cref="LocalPorts"/>), minus excludes.
/// audp leaves the kernel's ephemeral range alone only when the host's own outgoing UDP cannot be
/// seen (no <see cref="OutgoingUdpTap"/>): then a reply there could not be told from a probe.
/// </summary>
public sealed class PortWatch
{
    private readonly ModeConfig _mode;
    private readonly LocalPorts _local;
    private readonly PortSet _ownBound;
    private readonly bool _skipEphemeral;

    public PortWatch(ModeConfig mode, LocalPorts local, PortSet ownBound, bool skipEphemeral = false)
    {
        _mode = mode;
        _local = local;
        _ownBound = ownBound;
        _skipEphemeral = skipEphemeral;
    }

    public ModeConfig Mode => _mode;

    public bool Watches(int port)
    {
        if (!_mode.Ports.Contains(port) || _mode.Exclude.Contains(port) || _ownBound.Contains(port))
        {
            return false;
        }
        if (!_mode.Mode.IsAdvanced())
        {
            return true;
        }
        if (_mode.Mode.IsTcp())
        {
            return !_local.Tcp.Contains(port);
        }
        return !_local.Udp.Contains(port) && !(_skipEphemeral && port >= _local.Ephemeral.Low && port <= _local.Ephemeral.High);
    }

    public IEnumerable<int> WatchedPorts() => _mode.Ports.Ports().Where(Watches);
}
