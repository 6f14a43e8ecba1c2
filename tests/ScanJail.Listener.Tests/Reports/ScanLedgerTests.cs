using System.Net;
using ScanJail.Core.Bans;
using ScanJail.Core.Jails;
using ScanJail.Core.Reports;

namespace ScanJail.Listener.Tests.Reports;

public sealed class ScanLedgerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static Failure Alert(string address, int port, string kind, DateTimeOffset time, string proto = "tcp") =>
        new("portscan", IPAddress.Parse(address), time,
            new Dictionary<string, string> { ["ip"] = address, ["port"] = $"{port}", ["proto"] = proto, ["kind"] = kind }, "line");

    [Fact]
    public void Sources_are_reported_busiest_first_with_port_ranges_kinds_and_bans()
    {
        var ledger = new ScanLedger();
        for (var p = 1; p <= 100; p++)
        {
            ledger.Record(Alert("203.0.113.5", p == 50 ? 8080 : p, p % 2 == 0 ? "syn" : "fin", Start.AddSeconds(p)));
        }
        ledger.Record(Alert("198.51.100.7", 53, "udp", Start, "udp"));
        ledger.RecordBan(AddressKey.From(IPAddress.Parse("203.0.113.5")), Start.AddSeconds(1), Start.AddHours(1).AddSeconds(1));
        var inForce = new Ban("portscan", IPAddress.Parse("203.0.113.5"), Start, Start.AddHours(1), 1, 1, new Dictionary<string, string>());
        var report = ledger.Report(Start.AddMinutes(-1), Start.AddMinutes(5), a => a.Equals(inForce.Address) ? inForce : null, top: 10);
        Assert.Equal(2, report.TotalSources);
        var first = report.Sources[0];
        Assert.Equal(("203.0.113.5", 100, "1-49,51-100,8080", 100L), (first.Address, first.PortCount, first.Ports, first.Probes));
        Assert.Equal(["fin", "syn"], first.Kinds);
        Assert.Equal((1, TimeSpan.FromHours(1), true), (first.Bans, first.BannedFor, first.BannedNow));
        Assert.Equal(("198.51.100.7", "53", false), (report.Sources[1].Address, report.Sources[1].Ports, report.Sources[1].BannedNow));
    }

    [Fact]
    public void Only_sources_seen_since_the_cutoff_are_reported_and_non_scan_failures_are_left_out()
    {
        var ledger = new ScanLedger();
        ledger.Record(Alert("203.0.113.5", 22, "syn", Start));
        ledger.Record(Alert("203.0.113.6", 22, "syn", Start.AddHours(2)));
        ledger.Record(new Failure("ssh", IPAddress.Parse("203.0.113.9"), Start.AddHours(2), new Dictionary<string, string> { ["user"] = "root" }, "line"));
        var report = ledger.Report(Start.AddHours(1), Start.AddHours(3), _ => null, top: 10);
        Assert.Equal("203.0.113.6", Assert.Single(report.Sources).Address);
    }

    [Fact]
    public void The_ledger_is_bounded()
    {
        var ledger = new ScanLedger();
        for (var i = 0; i < ScanLedger.MaxSources + 500; i++)
        {
            ledger.Record(Alert($"10.0.{i >> 8 & 255}.{i & 255}".Replace("10.0.", $"10.{i >> 16}.", StringComparison.Ordinal), 22, "syn", Start.AddSeconds(i)));
        }
        Assert.Equal(ScanLedger.MaxSources, ledger.Count);
    }

    [Fact]
    public void At_the_bound_the_least_recently_seen_source_is_forgotten()
    {
        var ledger = new ScanLedger();
        static string Address(int i) => $"10.{i >> 16}.{i >> 8 & 255}.{i & 255}";
        for (var i = 0; i < ScanLedger.MaxSources; i++)
        {
            ledger.Record(Alert(Address(i), 22, "syn", Start.AddSeconds(i)));
        }
        // Source 0 is seen again, latest of all: sources 1 and 2, now the oldest, go first.
        ledger.Record(Alert(Address(0), 23, "syn", Start.AddHours(10)));
        ledger.Record(Alert(Address(ScanLedger.MaxSources), 22, "syn", Start.AddHours(11)));
        ledger.Record(Alert(Address(ScanLedger.MaxSources + 1), 22, "syn", Start.AddHours(12)));
        var kept = ledger.Report(Start.AddDays(-1), Start.AddDays(1), _ => null, top: ScanLedger.MaxSources * 2)
            .Sources.Select(s => s.Address).ToHashSet();
        Assert.Equal(ScanLedger.MaxSources, kept.Count);
        Assert.Contains(Address(0), kept);
        Assert.DoesNotContain(Address(1), kept);
        Assert.DoesNotContain(Address(2), kept);
        Assert.Contains(Address(3), kept);
        Assert.Contains(Address(ScanLedger.MaxSources + 1), kept);
    }
}
