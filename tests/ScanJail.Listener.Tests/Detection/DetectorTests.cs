using System.Net;
using ScanJail.Core.Net;
using ScanJail.Core.Syslog;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Detection;
using ScanJail.Listener.Host;
using ScanJail.Listener.Output;
using ScanJail.Listener.Packets;

namespace ScanJail.Listener.Tests.Detection;

public sealed class DetectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly LineList _lines = new();

    private Detector Create(int trigger = 1, int maxSources = 100, int perSecond = 1000, int burst = 5000, TimeSpan? suppress = null, params string[] ignore)
    {
        var config = new ListenerConfig([], new SyslogConfig(SyslogTarget.DevLog, AlertFormat.Scanjail, 4, "t"),
            [.. ignore.Select(i => IpNetwork.TryParse(i, out var n) ? n! : throw new ArgumentException(i))], true, true, trigger,
            suppress ?? TimeSpan.FromMinutes(10), maxSources, perSecond, burst, TimeSpan.FromSeconds(1));
        return new Detector(config, new AlwaysIgnored(config.Ignore), _lines, Start);
    }

    private static Probe Syn(string source, int port) =>
        new(IPAddress.Parse(source), 40000, IPAddress.Parse("192.0.2.1"), port, true, ProbeKind.Syn, ListenMode.Atcp);

    [Fact]
    public void A_source_is_reported_once_it_has_probed_the_trigger_count_of_distinct_ports()
    {
        var detector = Create(trigger: 3);
        detector.Observe(Syn("203.0.113.2", 22), Start);
        detector.Observe(Syn("203.0.113.2", 22), Start);
        detector.Observe(Syn("203.0.113.2", 23), Start);
        Assert.Empty(_lines.Messages);
        detector.Observe(Syn("203.0.113.2", 24), Start);
        Assert.Equal(["dport=22", "dport=23", "dport=24"], _lines.Messages.Select(m => m.Split(' ')[3]));
        detector.Observe(Syn("203.0.113.2", 25), Start);
        Assert.Equal(4, _lines.Messages.Count);
    }

    [Fact]
    public void A_repeat_inside_the_suppress_window_is_not_reported_again()
    {
        var detector = Create(suppress: TimeSpan.FromMinutes(1));
        detector.Observe(Syn("203.0.113.2", 22), Start);
        detector.Observe(Syn("203.0.113.2", 22), Start.AddSeconds(59));
        Assert.Single(_lines.Messages);
        detector.Observe(Syn("203.0.113.2", 22), Start.AddSeconds(61));
        Assert.Equal(2, _lines.Messages.Count);
        Assert.Equal(1, detector.Counters.Suppressed);
    }

    [Fact]
    public void Ignored_and_loopback_sources_are_never_reported()
    {
        var detector = Create(ignore: ["198.51.100.0/24"]);
        detector.Observe(Syn("198.51.100.9", 22), Start);
        detector.Observe(Syn("127.0.0.1", 22), Start);
        detector.Observe(Syn("::1", 22), Start);
        Assert.Empty(_lines.Messages);
        Assert.Equal(3, detector.Counters.Ignored);
    }

    [Fact]
    public void Past_the_rate_bound_ports_go_into_a_summary_that_names_every_one_as_ranges()
    {
        var detector = Create(perSecond: 1, burst: 10);
        for (var port = 1; port <= 1000; port++)
        {
            detector.Observe(Syn("203.0.113.2", port == 500 ? 2000 : port), Start);
        }
        Assert.Equal(10, _lines.Messages.Count);
        detector.Tick(Start.AddSeconds(1));
        Assert.Equal(10, _lines.Messages.Count);
        detector.Tick(Start.AddSeconds(3));
        var summary = Assert.Single(_lines.Messages.Skip(10));
        Assert.Equal("attackalert: src=203.0.113.2 proto=tcp kind=syn mode=atcp summary=yes probes=990 ports=11-499,501-1000,2000", summary);
    }

    [Fact]
    public void Shutdown_writes_open_summaries_whatever_the_rate_bound()
    {
        var detector = Create(perSecond: 1, burst: 1);
        detector.Observe(Syn("203.0.113.2", 1), Start);
        detector.Observe(Syn("203.0.113.2", 2), Start);
        detector.Observe(Syn("203.0.113.3", 3), Start);
        detector.FlushAll(Start);
        Assert.Equal(3, _lines.Messages.Count);
        Assert.Contains(_lines.Messages, m => m.Contains("src=203.0.113.3", StringComparison.Ordinal) && m.EndsWith("ports=3", StringComparison.Ordinal));
    }

    [Fact]
    public void A_flood_from_many_sources_keeps_at_most_max_sources()
    {
        var detector = Create(trigger: 2, maxSources: 50);
        for (var i = 0; i < 20_000; i++)
        {
            detector.Observe(Syn($"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}", 22), Start);
            Assert.True(detector.SourceCount <= 50);
        }
        Assert.Equal(20_000 - 50, detector.Counters.SourcesForgotten);
        Assert.Empty(_lines.Messages);
    }

    [Fact]
    public void Sources_idle_past_the_suppress_window_are_forgotten()
    {
        var detector = Create(suppress: TimeSpan.FromMinutes(1));
        detector.Observe(Syn("203.0.113.2", 22), Start);
        detector.Tick(Start.AddMinutes(2));
        Assert.Equal(0, detector.SourceCount);
    }

    private sealed class LineList : ILineSink
    {
        public List<string> Messages { get; } = [];

        public void Write(SyslogSeverity severity, string message) => Messages.Add(message);
    }
}
