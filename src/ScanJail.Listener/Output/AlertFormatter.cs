using System.Globalization;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Packets;

namespace ScanJail.Listener.Output;

/// <summary>
/// The text of one attackalert line. <c>scanjail</c>: key=value,
/// <c>attackalert: src=192.0.2.2 proto=tcp dport=22 kind=syn mode=atcp sport=51234 dst=192.0.2.1</c>
/// (<c>dst</c> is left out where the kernel does not give it: IPv6 raw sockets). <c>portsentry</c>:
/// portsentry 1.2's wording, <c>attackalert: TCP SYN/Normal scan from host: 192.0.2.2/192.0.2.2 to TCP port: 22</c>
/// (the address twice: portsentry wrote the resolved name second; the listener never resolves).
/// </summary>
public static class AlertFormatter
{
    public static string KindName(ProbeKind kind) => kind.ToString().ToLowerInvariant();

    public static string Format(Probe probe, AlertFormat format)
    {
        var proto = probe.Tcp ? "tcp" : "udp";
        if (format == AlertFormat.Scanjail)
        {
            var dst = probe.Destination is null ? "" : $" dst={probe.Destination}";
            return string.Create(CultureInfo.InvariantCulture,
                $"attackalert: src={probe.Source} proto={proto} dport={probe.DestinationPort} kind={KindName(probe.Kind)} mode={probe.Mode.Name()} sport={probe.SourcePort}{dst}");
        }
        var what = probe.Kind switch
        {
            ProbeKind.Syn => "TCP SYN/Normal scan",
            ProbeKind.Fin => "TCP FIN scan",
            // portsentry 1.2 writes two spaces here; tools written against it may expect them.
            ProbeKind.Null => " TCP NULL scan",
            ProbeKind.Xmas => "TCP XMAS scan",
            ProbeKind.Connect => "Connect",
            ProbeKind.Udp when probe.Mode == ListenMode.Udp => "Connect",
            ProbeKind.Udp => "UDP scan",
            _ => "TCP OTHER scan",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"attackalert: {what} from host: {probe.Source}/{probe.Source} to {proto.ToUpperInvariant()} port: {probe.DestinationPort}");
    }

    /// <summary>
    /// A per-source summary written once the output rate bound is reached: every port as ranges,
    /// split over several lines when long. Always key=value (portsentry had no such line); the
    /// engine's attackalert filter reads it in either format.
    /// </summary>
    public static IEnumerable<string> Summary(SummaryKey key, IEnumerable<int> ports, int probes, int maxPortsText = 800)
    {
        var chunks = PortRanges.Chunks(ports, maxPortsText);
        for (var i = 0; i < chunks.Count; i++)
        {
            var part = chunks.Count == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $" part={i + 1}/{chunks.Count}");
            yield return string.Create(CultureInfo.InvariantCulture,
                $"attackalert: src={key.Source} proto={(key.Tcp ? "tcp" : "udp")} kind={KindName(key.Kind)} mode={key.Mode.Name()} summary=yes probes={probes}{part} ports={chunks[i]}");
        }
    }
}
