using System.Globalization;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Detection;
using ScanJail.Listener.Host;
using ScanJail.Listener.Sensors;

namespace ScanJail.Listener;

/// <summary>
/// The periodic adminalert lines: changes in the watched ports, packets lost (kernel, the
/// listener's queue, the outgoing-UDP tap), and what the output bound did. Nothing is lost silently.
/// </summary>
public static class AdminReports
{
    public static long TapDrops(OutgoingUdpTap? tap, long reported, Action<string> admin)
    {
        var now = tap?.KernelDrops() ?? 0;
        if (now > reported)
        {
            admin(string.Create(CultureInfo.InvariantCulture, $"the kernel dropped {now - reported} of the host's own outgoing UDP datagrams before the listener saw them ({now} since start): replies to them may be reported"));
        }
        return Math.Max(now, reported);
    }

    public static void Changes(List<PortWatch> watches, PortSet tcpBefore, PortSet udpBefore, LocalPorts local, Action<string> admin)
    {
        foreach (var watch in watches.Where(w => w.Mode.Mode.IsAdvanced()))
        {
            var tcp = watch.Mode.Mode.IsTcp();
            var (before, after) = tcp ? (tcpBefore, local.Tcp) : (udpBefore, local.Udp);
            var inRange = watch.Mode.Ports;
            var opened = after.Ports().Where(p => inRange.Contains(p) && !before.Contains(p)).ToList();
            var closed = before.Ports().Where(p => inRange.Contains(p) && !after.Contains(p)).ToList();
            var proto = tcp ? "TCP" : "UDP";
            if (opened.Count > 0)
            {
                admin($"{watch.Mode.Mode.Name()} no longer watches {proto} ports now in use by a local service: {PortRanges.Format(opened)}");
            }
            if (closed.Count > 0)
            {
                admin($"{watch.Mode.Mode.Name()} watches again {proto} ports no longer in use: {PortRanges.Format(closed)}");
            }
        }
    }

    public static (long Kernel, long Listener) Drops(List<ISensor> sensors, long reportedKernel, long reportedListener, long listenerNow, Action<string> admin)
    {
        var kernelNow = sensors.Sum(s => s.KernelDrops());
        if (kernelNow > reportedKernel)
        {
            admin(string.Create(CultureInfo.InvariantCulture, $"the kernel dropped {kernelNow - reportedKernel} packets (receive buffer full; {kernelNow} since start): those probes were not seen"));
        }
        if (listenerNow > reportedListener)
        {
            admin(string.Create(CultureInfo.InvariantCulture, $"the listener dropped {listenerNow - reportedListener} probes (queue full; {listenerNow} since start)"));
        }
        return (Math.Max(kernelNow, reportedKernel), Math.Max(listenerNow, reportedListener));
    }

    /// <summary>
    /// Past the output rate bound or the state bound, says how many probes went into summaries
    /// instead of per-port lines, how many sources were forgotten (state bound) and how many of
    /// their summarised ports were lost with them, since the last report.
    /// </summary>
    public static DetectorCounters Bound(DetectorCounters now, DetectorCounters reported, Action<string> admin)
    {
        var summarised = now.Summarised - reported.Summarised;
        var forgotten = now.SourcesForgotten - reported.SourcesForgotten;
        var lost = now.LostWithForgottenSources - reported.LostWithForgottenSources;
        if (summarised > 0 || forgotten > 0)
        {
            admin(string.Create(CultureInfo.InvariantCulture,
                $"output bound: {summarised} probes summarised instead of per-port lines, {forgotten} sources forgotten (state bound) with {lost} summarised ports not reported; since start: summarised={now.Summarised} sources_forgotten={now.SourcesForgotten} lost={now.LostWithForgottenSources}"));
        }
        return new DetectorCounters
        {
            Summarised = now.Summarised,
            SourcesForgotten = now.SourcesForgotten,
            LostWithForgottenSources = now.LostWithForgottenSources,
        };
    }
}
