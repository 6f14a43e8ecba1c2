namespace ScanJail.Listener.Sensors;

/// <summary>One socket (or set of bound sockets) feeding probes to the detector.</summary>
public interface ISensor : IDisposable
{
    /// <summary>For adminalert lines, for example <c>atcp on IPv4</c>.</summary>
    string Name { get; }

    /// <summary>Opens the sockets and starts reading; throws <see cref="System.Net.Sockets.SocketException"/> when the mode cannot start.</summary>
    void Start();

    /// <summary>Packets the kernel dropped on this sensor's sockets since they opened (receive buffer full), when known.</summary>
    long KernelDrops();
}
