using System.Threading.Channels;

namespace ScanJail.Listener.Packets;

/// <summary>The queue from the sensors to the detector loop (one reader; a full queue makes a sensor wait).</summary>
public static class ProbeChannel
{
    public static Channel<Probe> Create(int capacity) =>
        Channel.CreateBounded<Probe>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
}
