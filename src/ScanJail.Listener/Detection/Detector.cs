using System.Net;
using ScanJail.Core.Syslog;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Host;
using ScanJail.Listener.Output;
using ScanJail.Listener.Packets;

namespace ScanJail.Listener.Detection;

/// <summary>
/// Turns probes into attackalert lines: drops ignored sources, holds a source back until it has
/// probed <see cref="ListenerConfig.Trigger"/> distinct ports, reports a (source, protocol, port)
/// again only after <see cref="ListenerConfig.Suppress"/>, and past the output rate bound gathers
/// the ports into per-source summary lines. State is bounded: at most
/// <see cref="ListenerConfig.MaxSources"/> sources and <see cref="MaxEntries"/> remembered ports in
/// all, the least recently seen source forgotten first. Single-threaded: one loop owns it.
/// </summary>
public sealed class Detector
{
    public const int MaxEntries = 2_000_000;
    private static readonly TimeSpan SummaryQuiet = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SummaryMaxAge = TimeSpan.FromSeconds(10);

    private readonly ListenerConfig _config;
    private readonly AlwaysIgnored _ignored;
    private readonly ILineSink _sink;
    private readonly TokenBucket _bucket;
    private readonly Dictionary<IPAddress, SourceState> _sources = [];
    // Least recently seen first.
    private readonly LinkedList<SourceState> _order = new();
    private long _entries;

    public Detector(ListenerConfig config, AlwaysIgnored ignored, ILineSink sink, DateTimeOffset now)
    {
        _config = config;
        _ignored = ignored;
        _sink = sink;
        _bucket = new TokenBucket(config.LinesPerSecond, config.Burst, now);
    }

    public DetectorCounters Counters { get; } = new();

    public int SourceCount => _sources.Count;

    public void Observe(Probe probe, DateTimeOffset now)
    {
        Counters.Probes++;
        var source = AlwaysIgnored.WithoutScope(probe.Source);
        if (_ignored.Contains(source))
        {
            Counters.Ignored++;
            return;
        }
        var state = Touch(source, now);
        var key = probe.DestinationPort + (probe.Tcp ? 0 : 65536);
        if (state.Reported.TryGetValue(key, out var last) && now - last < _config.Suppress)
        {
            Counters.Suppressed++;
            return;
        }
        if (state.Pending is { } pending)
        {
            if (!pending.Any(p => p.Tcp == probe.Tcp && p.DestinationPort == probe.DestinationPort))
            {
                pending.Add(probe);
                _entries++;
            }
            if (pending.Count < _config.Trigger)
            {
                return;
            }
            state.Pending = null;
            _entries -= pending.Count;
            foreach (var held in pending)
            {
                Report(state, held, now);
            }
            return;
        }
        Report(state, probe, now);
    }

    /// <summary>Writes the summaries of sources gone quiet, and forgets sources idle past the suppress window.</summary>
    public void Tick(DateTimeOffset now)
    {
        foreach (var state in _sources.Values.Where(s => s.Summaries.Count > 0).ToList())
        {
            if (now - state.LastSeen >= SummaryQuiet || now - state.SummaryStarted >= SummaryMaxAge)
            {
                WriteSummaries(state, now, force: false);
            }
        }
        while (_order.First is { } oldest && now - oldest.Value.LastSeen > _config.Suppress && oldest.Value.Summaries.Count == 0)
        {
            Forget(oldest.Value);
        }
    }

    /// <summary>At shutdown: every pending summary is written, whatever the rate bound.</summary>
    public void FlushAll(DateTimeOffset now)
    {
        foreach (var state in _sources.Values.Where(s => s.Summaries.Count > 0).ToList())
        {
            WriteSummaries(state, now, force: true);
        }
    }

    private void Report(SourceState state, Probe probe, DateTimeOffset now)
    {
        var key = probe.DestinationPort + (probe.Tcp ? 0 : 65536);
        if (state.Reported.TryAdd(key, now))
        {
            _entries++;
        }
        else
        {
            state.Reported[key] = now;
        }
        if (state.Summaries.Count == 0 && _bucket.TryTake(now))
        {
            Counters.Alerts++;
            _sink.Write(SyslogSeverity.Warning, AlertFormatter.Format(probe, _config.Syslog.Format));
            return;
        }
        // Past the rate bound (or while this source already has a summary open): gather the port.
        var summaryKey = new SummaryKey(state.Source, probe.Tcp, probe.Kind, probe.Mode);
        if (state.Summaries.Count == 0)
        {
            state.SummaryStarted = now;
        }
        if (!state.Summaries.TryGetValue(summaryKey, out var ports))
        {
            ports = [];
            state.Summaries[summaryKey] = ports;
        }
        if (ports.Add(probe.DestinationPort))
        {
            _entries++;
        }
        state.SummaryProbes++;
        Counters.Summarised++;
        EnforceBudget();
    }

    private void WriteSummaries(SourceState state, DateTimeOffset now, bool force)
    {
        foreach (var (key, ports) in state.Summaries.ToList())
        {
            var lines = AlertFormatter.Summary(key, ports, ports.Count).ToList();
            if (!force && lines.Any(_ => !_bucket.TryTake(now)))
            {
                // Not enough room this tick: the next tick tries again (the summary keeps growing meanwhile).
                return;
            }
            foreach (var line in lines)
            {
                _sink.Write(SyslogSeverity.Warning, line);
                Counters.SummaryLines++;
            }
            _entries -= ports.Count;
            state.Summaries.Remove(key);
        }
        state.SummaryProbes = 0;
    }

    private SourceState Touch(IPAddress source, DateTimeOffset now)
    {
        if (_sources.TryGetValue(source, out var state))
        {
            _order.Remove(state.Node!);
            _order.AddLast(state.Node!);
        }
        else
        {
            while (_sources.Count >= _config.MaxSources && _order.First is { } oldest)
            {
                Forget(oldest.Value);
            }
            state = new SourceState(source);
            state.Node = _order.AddLast(state);
            _sources[source] = state;
        }
        state.LastSeen = now;
        return state;
    }

    private void EnforceBudget()
    {
        while (_entries > MaxEntries && _order.First is { } oldest)
        {
            Forget(oldest.Value);
        }
    }

    private void Forget(SourceState state)
    {
        _order.Remove(state.Node!);
        _sources.Remove(state.Source);
        _entries -= state.Entries;
        Counters.SourcesForgotten++;
        Counters.LostWithForgottenSources += state.Summaries.Values.Sum(s => s.Count);
    }
}
