using System.Net;

namespace ScanJail.Listener.Host;

/// <summary>
/// One UDP exchange the host started: its local port and the peer it wrote to. A datagram is a
/// reply only when it comes from exactly that peer (address and port) to exactly that local port,
/// so a scanner cannot hide behind a port the host used with some other peer.
/// </summary>
public readonly record struct UdpFlow(int LocalPort, IPAddress Remote, int RemotePort);
