using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using ScanJail.Core.Syslog;
using ScanJail.Core.Systemd;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Detection;
using ScanJail.Listener.Host;
using ScanJail.Listener.Output;
using ScanJail.Listener.Packets;
using ScanJail.Listener.Sensors;

namespace ScanJail.Listener;

/// <summary>
/// Runs the sensors, the detector loop and the housekeeping (listening ports every
/// <see cref="ListenerConfig.Rescan"/>, host addresses every 30 s, kernel drops every 5 s) until
/// SIGTERM or SIGINT. One loop owns the detector: probes, ticks and rescans all pass through it.
/// </summary>
public static class ListenerService
{
    private static readonly TimeSpan TickEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan HostEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DropsEvery = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(ListenerConfig config, bool echo, TimeProvider time, CancellationToken token)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        void OnSignal(PosixSignalContext c)
        {
            c.Cancel = true;
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The signal raced the end of the run: already stopping.
            }
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        var formatter = new SyslogMessageFormatter(config.Syslog.Facility, config.Syslog.Tag, Environment.MachineName, Environment.ProcessId, TimeZoneInfo.Local);
        var writer = new SyslogWriter(config.Syslog.Target, formatter, time);
        var sink = new SyslogSink(writer, echo);
        await using (sink.ConfigureAwait(false))
        {
            var probes = ProbeChannel.Create(1 << 18);
            long listenerDrops = 0;
            void Dropped(long n) => Interlocked.Add(ref listenerDrops, n);
            void Admin(string text) => sink.Write(SyslogSeverity.Notice, "adminalert: " + text);

            Admin("scanjail-listener is starting.");
            // The first line opens the sink's socket (a UDP target takes an ephemeral port): wait for
            // it, bounded, so that the first read of the socket table already knows that port in use.
            for (var i = 0; i < 100 && writer.Sent + writer.Lost == 0; i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), time, stop.Token).ConfigureAwait(false);
            }
            var local = new LocalPorts();
            local.Refresh(time.GetUtcNow());
            var ignored = new AlwaysIgnored(config.Ignore);
            var sensors = new List<ISensor>();
            var watches = new List<PortWatch>();
            using var ownUdp = StartOutgoingUdpTap(config, time, local, Admin);
            var detector = new Detector(config, ignored, sink, time.GetUtcNow());
            // Before the sensors open: the first scan's way compiled now, not while a scan waits for its alert.
            DetectionWarmUp.Run(config, ignored, formatter, time.GetUtcNow());
            // Held while the detector works: by the loop below, or by a raw sensor's thread that hands it a
            // scan's first probe directly when the detector is idle and no probe waits before it.
            var detecting = new Lock();
            bool ObserveNow(Probe probe)
            {
                if (probes.Reader.Count != 0 || !detecting.TryEnter())
                {
                    return false;
                }
                try
                {
                    if (probes.Reader.Count != 0)
                    {
                        return false;
                    }
                    detector.Observe(probe, time.GetUtcNow());
                    return true;
                }
                finally
                {
                    detecting.Exit();
                }
            }
            StartSensors(config, probes.Writer, local, ownUdp, sensors, watches, Admin, Dropped, ObserveNow);
            if (sensors.Count == 0)
            {
                Admin("no mode could start; scanjail-listener is stopping.");
                await Console.Error.WriteLineAsync("scanjail-listener: no mode could start (raw sockets need CAP_NET_RAW, ports below 1024 CAP_NET_BIND_SERVICE)").ConfigureAwait(false);
                return ExitCodes.Unavailable;
            }
            foreach (var watch in watches)
            {
                var ports = watch.WatchedPorts().ToList();
                foreach (var chunk in PortRanges.Chunks(ports, 800))
                {
                    Admin(string.Create(CultureInfo.InvariantCulture, $"{watch.Mode.Mode.Name()} watches {ports.Count} {(watch.Mode.Mode.IsTcp() ? "TCP" : "UDP")} ports: {chunk}"));
                }
            }
            Admin("scanjail-listener is now active and listening.");
            SystemdNotifier.Notify("READY=1\nSTATUS=Watching");

            using var ticker = new PeriodicTimer(TickEvery, time);
            var tickTask = TickLoop(ticker, probes.Writer, stop.Token);
            var nextRescan = time.GetUtcNow() + config.Rescan;
            var nextHost = time.GetUtcNow() + HostEvery;
            var nextDrops = time.GetUtcNow() + DropsEvery;
            long reportedKernel = 0;
            long reportedListener = 0;
            long reportedTap = 0;
            var reportedBound = new DetectorCounters();
            void Handle(Probe probe)
            {
                var now = time.GetUtcNow();
                if (!ReferenceEquals(probe, Tick))
                {
                    detector.Observe(probe, now);
                    return;
                }
                detector.Tick(now);
                if (now >= nextRescan)
                {
                    nextRescan = now + config.Rescan;
                    var (tcpBefore, udpBefore) = (local.Tcp, local.Udp);
                    if (local.Refresh(now))
                    {
                        AdminReports.Changes(watches, tcpBefore, udpBefore, local, Admin);
                    }
                }
                if (now >= nextHost)
                {
                    nextHost = now + HostEvery;
                    ignored.Refresh();
                }
                if (now >= nextDrops)
                {
                    nextDrops = now + DropsEvery;
                    (reportedKernel, reportedListener) = AdminReports.Drops(sensors, reportedKernel, reportedListener, Interlocked.Read(ref listenerDrops), Admin);
                    reportedTap = AdminReports.TapDrops(ownUdp, reportedTap, Admin);
                    reportedBound = AdminReports.Bound(detector.Counters, reportedBound, Admin);
                }
            }
            try
            {
                while (await probes.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
                {
                    using var owned = detecting.EnterScope();
                    while (probes.Reader.TryRead(out var probe))
                    {
                        Handle(probe);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // SIGTERM or SIGINT: shut down below.
            }
            foreach (var sensor in sensors)
            {
                sensor.Dispose();
            }
            // A raw sensor's thread may still be handing over its last probe.
            lock (detecting)
            {
                while (probes.Reader.TryRead(out var left))
                {
                    if (!ReferenceEquals(left, Tick))
                    {
                        detector.Observe(left, time.GetUtcNow());
                    }
                }
                detector.FlushAll(time.GetUtcNow());
            }
            AdminReports.Drops(sensors, reportedKernel, reportedListener, Interlocked.Read(ref listenerDrops), Admin);
            SystemdNotifier.Notify("STOPPING=1");
            var c = detector.Counters;
            Admin(string.Create(CultureInfo.InvariantCulture,
                $"scanjail-listener is shutting down: probes={c.Probes} alerts={c.Alerts} summary_lines={c.SummaryLines} summarised={c.Summarised} suppressed={c.Suppressed} ignored={c.Ignored} sources_forgotten={c.SourcesForgotten} kernel_drops={sensors.Sum(s => s.KernelDrops())} listener_drops={Interlocked.Read(ref listenerDrops)} own_udp_replies={ownUdp?.Replies ?? 0} lost_with_forgotten_sources={c.LostWithForgottenSources}"));
            await tickTask.ConfigureAwait(false);
        }
        if (sink.Lost > 0)
        {
            await Console.Error.WriteLineAsync($"scanjail-listener: {sink.Lost} syslog line(s) could not be sent: {sink.LastError}").ConfigureAwait(false);
        }
        return ExitCodes.Ok;
    }

    // The marker that wakes the detector loop for housekeeping; never a real probe.
    private static readonly Probe Tick = new(System.Net.IPAddress.None, 0, null, 0, false, ProbeKind.Reply, ListenMode.Tcp);

    private static async Task TickLoop(PeriodicTimer ticker, ChannelWriter<Probe> writer, CancellationToken token)
    {
        try
        {
            while (await ticker.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                writer.TryWrite(Tick);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// For the raw UDP modes: the tap that sees the host's own outgoing UDP, so replies to it are
    /// never reported. Without it (no CAP_NET_RAW for AF_PACKET) audp leaves the ephemeral range alone.
    /// </summary>
    private static OutgoingUdpTap? StartOutgoingUdpTap(ListenerConfig config, TimeProvider time, LocalPorts local, Action<string> admin)
    {
        if (!config.Modes.Any(m => m.Mode.IsRaw() && !m.Mode.IsTcp()))
        {
            return null;
        }
        var tap = new OutgoingUdpTap(time, local);
        try
        {
            tap.Start();
            return tap;
        }
        catch (SocketException e)
        {
            tap.Dispose();
            var (low, high) = local.Ephemeral;
            admin(string.Create(CultureInfo.InvariantCulture, $"the host's own outgoing UDP cannot be seen ({e.Message}): audp leaves the ephemeral ports {low}-{high} unwatched, where replies to it land"));
            return null;
        }
    }

    private static void StartSensors(ListenerConfig config, ChannelWriter<Probe> output, LocalPorts local, OutgoingUdpTap? ownUdpTap,
        List<ISensor> sensors, List<PortWatch> watches, Action<string> admin, Action<long> dropped, Func<Probe, bool> observeNow)
    {
        var ownTcp = new PortSet();
        var ownUdp = new PortSet();
        foreach (var mode in config.Modes.Where(m => !m.Mode.IsRaw()))
        {
            var sensor = new BoundSensor(mode, config.Ipv4, config.Ipv6, output, admin, dropped);
            if (TryStart(sensor, admin))
            {
                sensors.Add(sensor);
                foreach (var port in sensor.BoundPorts)
                {
                    (mode.Mode == ListenMode.Tcp ? ownTcp : ownUdp).Add(port);
                }
                foreach (var chunk in PortRanges.Chunks(sensor.BoundPorts, 800))
                {
                    admin(string.Create(CultureInfo.InvariantCulture, $"{mode.Mode.Name()} listens on {sensor.BoundPorts.Count} {(mode.Mode == ListenMode.Tcp ? "TCP" : "UDP")} ports: {chunk}"));
                }
            }
        }
        foreach (var mode in config.Modes.Where(m => m.Mode.IsRaw()))
        {
            var tcp = mode.Mode.IsTcp();
            var watch = new PortWatch(mode, local, tcp ? ownTcp : ownUdp, skipEphemeral: !tcp && ownUdpTap is null);
            var started = false;
            foreach (var family in Families(config))
            {
                var sensor = new RawSensor(family, watch, output, dropped, tcp ? null : ownUdpTap, observeNow);
                if (TryStart(sensor, admin))
                {
                    sensors.Add(sensor);
                    started = true;
                }
            }
            if (started)
            {
                watches.Add(watch);
            }
        }
    }

    private static IEnumerable<AddressFamily> Families(ListenerConfig config)
    {
        if (config.Ipv4)
        {
            yield return AddressFamily.InterNetwork;
        }
        if (config.Ipv6)
        {
            yield return AddressFamily.InterNetworkV6;
        }
    }

    private static bool TryStart(ISensor sensor, Action<string> admin)
    {
        try
        {
            sensor.Start();
            return true;
        }
        catch (SocketException e)
        {
            admin($"{sensor.Name} cannot start: {e.Message}; the other modes go on.");
            sensor.Dispose();
            return false;
        }
    }
}
