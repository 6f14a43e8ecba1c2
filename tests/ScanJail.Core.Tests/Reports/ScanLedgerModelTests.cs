using System.Net;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Jails;
using ScanJail.Core.Reports;

namespace ScanJail.Core.Tests.Reports;

/// <summary>
/// The scan ledger's compact sets and its once-queued eviction, against a plain model: sorted and hashed
/// sets of the BCL, and at the bound a search of every source for the least recently seen (ties: the one
/// that reached its time first), with the sources' times in several zones and recorded by address or by key.
/// </summary>
public sealed class ScanLedgerModelTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Port_and_text_sets_hold_what_the_framework_sets_hold_in_the_same_order()
    {
        // Few distinct values (the small form) and many (past the switch to a bitmap or a hash set).
        var ports = Gen.OneOf(Gen.Choose(1, 40), Gen.Choose(1, 65535)).ArrayOf();
        Prop.ForAll(ports.ToArbitrary(), values =>
        {
            var set = new PortSet();
            var model = new SortedSet<int>();
            return values.All(v => set.Add(v) == model.Add(v) && set.Count == model.Count) && set.SequenceEqual(model);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithEndSize(2000));
        var texts = Gen.Elements("tcp", "udp", "syn", "fin", "xmas", "null", "ack", "a", "").ArrayOf();
        Prop.ForAll(texts.ToArbitrary(), values =>
        {
            var set = new TextSet();
            var model = new HashSet<string>(StringComparer.Ordinal);
            return values.All(v => set.Add(v) == model.Add(v) && set.Count == model.Count) && set.Order(StringComparer.Ordinal).SequenceEqual(model.Order(StringComparer.Ordinal));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void At_the_bound_the_source_forgotten_is_the_least_recently_seen()
    {
        // Alerts from 12 sources at times that often tie and sometimes step back (a replay of merged logs).
        var alerts = Gen.Zip(Gen.Choose(0, 11), Gen.Zip(Gen.Choose(0, 20), Gen.Choose(1, 70000))).ArrayOf();
        Prop.ForAll(alerts.ToArbitrary(), Gen.Choose(1, 8).ToArbitrary(), (list, capacity) =>
        {
            var ledger = new ScanLedger(capacity);
            var model = new Dictionary<string, (DateTimeOffset Last, long Order, int Probes, SortedSet<int> Ports)>();
            long order = 0;
            foreach (var (source, (second, port)) in list)
            {
                var address = $"192.0.2.{source}";
                // The same instant in different zones: the order is by instant (as DateTimeOffset compares).
                var time = Start.AddSeconds(second).ToOffset(TimeSpan.FromHours((port % 3) - 1));
                var failure = new Failure("portscan", IPAddress.Parse(address), time,
                    new Dictionary<string, string> { ["port"] = $"{port}", ["proto"] = "tcp", ["kind"] = "syn" }, "line");
                // The engine's way (the address's key made by the loop) and the plain one keep the same ledger.
                if (port % 2 == 0)
                {
                    ledger.Record(failure, AddressKey.From(failure.Address));
                }
                else
                {
                    ledger.Record(failure);
                }
                if (!model.TryGetValue(address, out var entry))
                {
                    if (model.Count >= capacity)
                    {
                        model.Remove(model.MinBy(e => (e.Value.Last, e.Value.Order)).Key);
                    }
                    entry = (time, order++, 0, []);
                }
                if (time > entry.Last)
                {
                    entry = (time, order++, entry.Probes, entry.Ports);
                }
                if (port < 65536)
                {
                    entry.Ports.Add(port);
                }
                model[address] = (entry.Last, entry.Order, entry.Probes + 1, entry.Ports);
            }
            var report = ledger.Report(Start.AddDays(-1), Start.AddDays(1), _ => null, top: 100);
            var kept = report.Sources.ToDictionary(s => s.Address, s => (s.LastSeen, s.Probes, s.PortCount));
            var expected = model.ToDictionary(e => e.Key, e => (e.Value.Last, (long)e.Value.Probes, e.Value.Ports.Count));
            return kept.Count == expected.Count && expected.All(e => kept.TryGetValue(e.Key, out var k) && k == e.Value);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }

    [Fact]
    public void Texts_past_the_shared_bits_are_kept_per_source_and_leave_with_it()
    {
        // The first 64 distinct kinds get a bit shared by all sources; the ones after are each source's own.
        var ledger = new ScanLedger(capacity: 2);
        Failure Alert(string address, int second, string kind, string jail = "portscan") =>
            new(jail, IPAddress.Parse(address), Start.AddSeconds(second),
                new Dictionary<string, string> { ["port"] = "22", ["proto"] = "tcp", ["kind"] = kind }, "line");
        var kinds = Enumerable.Range(0, TextBits.Capacity + 6).Select(i => $"k{i:D2}").ToArray();
        foreach (var kind in kinds)
        {
            ledger.Record(Alert("192.0.2.1", 1, kind));
        }
        ledger.Record(Alert("192.0.2.2", 2, kinds[^1], jail: "other"));
        ledger.Record(Alert("192.0.2.2", 2, kinds[0]));

        var report = ledger.Report(Start.AddDays(-1), Start.AddDays(1), _ => null, top: 10).Sources.ToDictionary(s => s.Address);
        Assert.Equal(kinds, report["192.0.2.1"].Kinds);
        Assert.Equal(["portscan"], report["192.0.2.1"].Jails);
        Assert.Equal([kinds[0], kinds[^1]], report["192.0.2.2"].Kinds);
        Assert.Equal(["other", "portscan"], report["192.0.2.2"].Jails);

        // A third source takes the place of the least recently seen (192.0.2.1): none of its kinds come with the place.
        ledger.Record(Alert("192.0.2.3", 3, "syn"));
        report = ledger.Report(Start.AddDays(-1), Start.AddDays(1), _ => null, top: 10).Sources.ToDictionary(s => s.Address);
        Assert.Equal(["192.0.2.2", "192.0.2.3"], report.Keys.Order());
        Assert.Equal(["syn"], report["192.0.2.3"].Kinds);
        Assert.Equal(1, report["192.0.2.3"].Probes);
        Assert.Equal("22", report["192.0.2.3"].Ports);
    }
}
