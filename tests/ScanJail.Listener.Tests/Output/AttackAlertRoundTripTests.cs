using System.Net;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Core.Syslog;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Output;
using ScanJail.Listener.Packets;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Output;

/// <summary>Every line the listener writes is read back by the engine's shipped attackalert filter (FilterLoader, FilterFactory).</summary>
public sealed class AttackAlertRoundTripTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly IFilter Filter = LoadShippedFilter();

    private static IFilter LoadShippedFilter()
    {
        var errors = new ConfigErrors();
        var definition = FilterLoader.Load(Path.Combine(RepositoryRoot.Path, "filters", "attackalert.yaml"), "attackalert", errors);
        var filter = definition is null ? null : FilterFactory.Create(definition, new Dictionary<string, string>(), errors, "portscan");
        return filter ?? throw new InvalidOperationException(string.Join('\n', errors.Items));
    }

    public static TheoryData<string, bool, string, string> Kinds => new()
    {
        { "192.0.2.2", true, "Syn", "syn" },
        { "192.0.2.2", true, "Fin", "fin" },
        { "192.0.2.2", true, "Null", "null" },
        { "192.0.2.2", true, "Xmas", "xmas" },
        { "192.0.2.2", true, "Other", "other" },
        { "192.0.2.2", true, "Connect", "connect" },
        { "192.0.2.2", false, "Udp", "udp" },
        { "2001:db8::7", true, "Syn", "syn" },
        { "2001:db8::7", false, "Udp", "udp" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Both_formats_are_read_back_with_address_port_protocol_and_kind(string source, bool tcp, string kindName, string expectedKind)
    {
        var kind = Enum.Parse<ProbeKind>(kindName);
        var mode = kind == ProbeKind.Connect ? ListenMode.Tcp : tcp ? ListenMode.Atcp : ListenMode.Audp;
        var destination = source.Contains(':', StringComparison.Ordinal) ? null : IPAddress.Parse("192.0.2.1");
        var probe = new Probe(IPAddress.Parse(source), 40000, destination, 443, tcp, kind, mode);
        foreach (var format in (AlertFormat[])[AlertFormat.Scanjail, AlertFormat.Portsentry])
        {
            var result = Filter.Match(AsSyslogFileLine(AlertFormatter.Format(probe, format)), Now);
            Assert.Equal(MatchOutcome.Matched, result.Outcome);
            Assert.Equal(IPAddress.Parse(source), result.Address);
            Assert.Equal("443", result.Fields!["port"]);
            Assert.Equal(tcp ? "tcp" : "udp", result.Fields["proto"]);
            // portsentry's wording has no OTHER; "Connect ... to UDP port" is its bound-udp line.
            var expected = format == AlertFormat.Portsentry && kind == ProbeKind.Udp && mode == ListenMode.Udp ? "connect" : expectedKind;
            Assert.Equal(expected, result.Fields["kind"]);
        }
    }

    [Fact]
    public void Summary_lines_are_read_back_with_their_source()
    {
        var key = new SummaryKey(IPAddress.Parse("192.0.2.2"), true, ProbeKind.Xmas, ListenMode.Atcp);
        var lines = AlertFormatter.Summary(key, Enumerable.Range(1, 65535).Where(p => p % 3 != 0), 43690).ToList();
        Assert.True(lines.Count > 1);
        foreach (var line in lines)
        {
            var result = Filter.Match(AsSyslogFileLine(line), Now);
            Assert.Equal(MatchOutcome.Matched, result.Outcome);
            Assert.Equal(IPAddress.Parse("192.0.2.2"), result.Address);
            Assert.Equal("xmas", result.Fields!["kind"]);
        }
    }

    [Fact]
    public void Any_probe_round_trips_in_the_scanjail_format()
    {
        var probes =
            from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), 4)
            from port in Gen.Choose(1, 65535)
            from sport in Gen.Choose(1, 65535)
            from flags in Gen.Choose(0, 255)
            select new Probe(new IPAddress(bytes), sport, IPAddress.Parse("192.0.2.1"), port, true, TcpFlags.Classify((byte)flags), ListenMode.Atcp);
        Prop.ForAll(probes.ToArbitrary(), probe =>
        {
            var result = Filter.Match(AsSyslogFileLine(AlertFormatter.Format(probe, AlertFormat.Scanjail)), Now);
            return result.Outcome == MatchOutcome.Matched && result.Address!.Equals(probe.Source)
                && result.Fields!["port"] == probe.DestinationPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_local_syslog_datagram_has_glibcs_shape_and_reads_back_once_rsyslog_stores_it()
    {
        var formatter = new SyslogMessageFormatter(SyslogFacility.Code("auth"), "scanjail-listener", "vm", 812, TimeZoneInfo.Utc);
        var message = "attackalert: src=192.0.2.2 proto=tcp dport=22 kind=syn mode=atcp sport=51234 dst=192.0.2.1";
        var text = System.Text.Encoding.UTF8.GetString(formatter.Format(SyslogTransport.Unix, SyslogSeverity.Warning, message, new DateTimeOffset(2026, 11, 1, 7, 5, 9, TimeSpan.Zero)));
        Assert.Equal("<36>Nov  1 07:05:09 scanjail-listener[812]: " + message, text);
        // rsyslog's file format: the PRI is dropped and the host name added after the time stamp.
        var stored = "Nov  1 07:05:09 vm" + text[(text.IndexOf('>', StringComparison.Ordinal) + 16)..];
        Assert.Equal(MatchOutcome.Matched, Filter.Match(stored, Now).Outcome);
    }

    [Fact]
    public void Remote_tcp_messages_are_rfc5424_with_an_octet_count()
    {
        var formatter = new SyslogMessageFormatter(SyslogFacility.Code("local3"), "scanjail-listener", "vm", 812, TimeZoneInfo.Utc);
        var bytes = formatter.Format(SyslogTransport.Tcp, SyslogSeverity.Notice, "adminalert: x", new DateTimeOffset(2026, 11, 1, 7, 5, 9, TimeSpan.Zero));
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        const string Body = "<157>1 2026-11-01T07:05:09.000000Z vm scanjail-listener 812 - - adminalert: x";
        Assert.Equal($"{Body.Length} {Body}", text);
    }

    private static string AsSyslogFileLine(string message) => $"2026-11-21T05:20:38.260571+00:00 vm scanjail-listener[812]: {message}";
}
