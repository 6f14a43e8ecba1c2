using System.Buffers.Binary;
using System.Net;
using ScanJail.Core.Syslog;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Host;
using ScanJail.Listener.Output;
using ScanJail.Listener.Packets;

namespace ScanJail.Listener.Detection;

/// <summary>
/// Takes a scan's way through the listener once at start, on scratch objects, before the sensors open: packets
/// parsed, a detector of its own fed, alert and summary lines formatted and turned into syslog datagrams that are
/// never sent. The published listener runs without tiered compilation, so whatever has no precompiled code (the
/// generic code the detector's tables and the address formatting instantiate from the framework) is compiled,
/// optimised, on its first call: measured in the lab, a just-started listener's first scan waited 20 to 55 ms for
/// that on the way to its first alert, and every one of the 1024 probed ports answered before the drop
/// (docs/latency.md, round 9). Nothing of it reaches the real detector, its counters or the syslog target.
/// </summary>
public static class DetectionWarmUp
{
    // Benchmarking addresses (RFC 2544, RFC 5180): never sent to; only their text is formatted.
    private static readonly IPAddress Source4 = IPAddress.Parse("198.18.0.1");
    private static readonly IPAddress Source6 = IPAddress.Parse("2001:2::1");
    private static readonly IPAddress Destination4 = IPAddress.Parse("198.18.0.2");
    private const int Probes = 40;

    /// <summary>Runs the warm-up; returns how many lines it formatted (and threw away).</summary>
    /// <param name="ignored">The listener's own ignore list, only read.</param>
    public static int Run(ListenerConfig config, AlwaysIgnored ignored, SyslogMessageFormatter formatter, DateTimeOffset now)
    {
        var sink = new DiscardingSink(formatter, config.Syslog.Target.Transport, now);
        // A tiny burst, so that the summary lines a scan past the rate bound gets are taken too.
        var detector = new Detector(config with { Trigger = 1, Burst = Probes / 2, LinesPerSecond = 1 }, ignored, sink, now);
        var mode = config.Modes.FirstOrDefault(m => m.Mode.IsRaw() && m.Mode.IsTcp())?.Mode ?? ListenMode.Atcp;
        var packet = SynPacket(Source4, Destination4);
        // The probe queue the raw sensor and the detector loop use, made the same way.
        var channel = ProbeChannel.Create(Probes);
        for (var port = 1; port <= Probes; port++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), (ushort)port);
            if (PacketParser.ParseIpv4(packet, mode) is { } probe && channel.Writer.TryWrite(probe) && channel.Reader.TryRead(out var read))
            {
                detector.Observe(read, now);
            }
        }
        var segment = packet.AsSpan(20).ToArray();
        if (PacketParser.ParseIpv6(segment, Source6, tcp: true, mode) is { } probe6)
        {
            detector.Observe(probe6, now);
        }
        detector.Tick(now + TimeSpan.FromSeconds(11));
        detector.FlushAll(now + TimeSpan.FromSeconds(11));
        SyslogSink.WarmUpQueue();
        return sink.Lines;
    }

    /// <summary>An IPv4 header and a TCP SYN segment, as a raw socket delivers them (destination port at offset 22).</summary>
    private static byte[] SynPacket(IPAddress source, IPAddress destination)
    {
        var packet = new byte[40];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 40);
        packet[8] = 64;
        packet[9] = 6;
        source.TryWriteBytes(packet.AsSpan(12, 4), out _);
        destination.TryWriteBytes(packet.AsSpan(16, 4), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), 40000);
        packet[32] = 0x50;
        packet[33] = 0x02;
        return packet;
    }

    /// <summary>Formats each line's datagram as the syslog writer would, and drops it.</summary>
    private sealed class DiscardingSink(SyslogMessageFormatter formatter, SyslogTransport transport, DateTimeOffset now) : ILineSink
    {
        public int Lines { get; private set; }

        public void Write(SyslogSeverity severity, string message)
        {
            _ = formatter.Format(transport, severity, message, now);
            Lines++;
        }
    }
}
