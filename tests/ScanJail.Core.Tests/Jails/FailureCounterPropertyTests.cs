using System.Net;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Jails;

namespace ScanJail.Core.Tests.Jails;

/// <summary>
/// The compact counter must behave exactly as the object-per-address one it replaced
/// (<see cref="ReferenceFailureCounter"/>): the same answers, counts, evictions and checkpoint changes
/// for any sequence of failures, forgets, restores, copies and checkpoints.
/// </summary>
public sealed class FailureCounterPropertyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FindTime = TimeSpan.FromMinutes(10);

    // IPv4, IPv6, the IPv4-mapped form of an IPv4 address (a different key) and scoped IPv6.
    private static readonly IPAddress[] Addresses =
    [
        IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2"), IPAddress.Parse("198.51.100.7"),
        IPAddress.Parse("::ffff:192.0.2.1"), IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8::2"),
        IPAddress.Parse("2001:db8:0:1::1"), IPAddress.Parse("fe80::1%2"), IPAddress.Parse("fe80::1"),
        IPAddress.Parse("0.0.0.0"), IPAddress.Parse("::"), IPAddress.Parse("255.255.255.255"),
    ];

    [Theory]
    [InlineData(1, 4)]
    [InlineData(3, 4)]
    [InlineData(3, 100)]
    [InlineData(5, 7)]
    // Times past the table's inline ones go to the slot's own array (a large maxretry): 2 inline makes every path run.
    [InlineData(5, 7, 2)]
    [InlineData(40, 4, 2)]
    [InlineData(40, 100, 3)]
    public void Agrees_with_the_reference_counter_on_any_sequence(int maxRetry, int capacity, int inlineTimes = 16) =>
        Prop.ForAll<(byte Kind, byte Address, short Seconds)[]>(ops =>
        {
            var counter = new FailureCounter(FindTime, maxRetry, capacity, inlineTimes);
            var model = new ReferenceFailureCounter(FindTime, maxRetry, capacity);
            foreach (var (kind, index, seconds) in ops)
            {
                var address = Addresses[index % Addresses.Length];
                var time = T0.AddSeconds(Math.Abs(seconds % 1500));
                switch (kind % 10)
                {
                    case 6:
                        counter.Forget(address);
                        model.Forget(address);
                        break;
                    case 7:
                        SameChanges(model.TakeChanges(), counter.TakeChanges());
                        break;
                    case 8:
                        IReadOnlyList<DateTimeOffset> times = [time, time.AddSeconds(-90)];
                        counter.Restore(address, times);
                        model.Restore(address, times);
                        break;
                    case 9:
                        var copy = new FailureCounter(FindTime, maxRetry, capacity, inlineTimes);
                        copy.CopyFrom(counter);
                        counter = copy;
                        var modelCopy = new ReferenceFailureCounter(FindTime, maxRetry, capacity);
                        modelCopy.CopyFrom(model);
                        model = modelCopy;
                        SameChanges(model.TakeChanges(), counter.TakeChanges());
                        break;
                    default:
                        Assert.Equal(model.Add(address, time), counter.Add(address, time));
                        break;
                }
                Assert.Equal(model.Count, counter.Count);
                Assert.Equal(model.Evicted, counter.Evicted);
                Assert.Equal(model.FailuresOf(address, time), counter.FailuresOf(address, time));
                Assert.Equal(model.CurrentlyFailing(time), counter.CurrentlyFailing(time));
            }
            SameChanges(model.TakeChanges(), counter.TakeChanges());
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Address_keys_round_trip_and_are_equal_exactly_when_the_addresses_are() =>
        Prop.ForAll<byte[], bool, byte>((bytes, v6, scope) =>
        {
            var raw = new byte[v6 ? 16 : 4];
            bytes.AsSpan(0, Math.Min(bytes.Length, raw.Length)).CopyTo(raw);
            var address = v6 ? new IPAddress(raw, scope % 3) : new IPAddress(raw);
            var key = AddressKey.From(address);
            Assert.Equal(address, key.ToAddress());
            foreach (var other in Addresses)
            {
                Assert.Equal(address.Equals(other), key == AddressKey.From(other));
            }
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_million_addresses_fit_and_the_oldest_goes_first_past_the_bound()
    {
        var counter = new FailureCounter(FindTime, 3, capacity: 1_000_000);
        for (var i = 0; i < 1_000_050; i++)
        {
            var v = 0x0B000000 + i;
            counter.Add(new IPAddress([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]), T0);
        }
        Assert.Equal(1_000_000, counter.Count);
        Assert.Equal(50, counter.Evicted);
        Assert.Equal(0, counter.FailuresOf(IPAddress.Parse("11.0.0.49"), T0));
        Assert.Equal(1, counter.FailuresOf(IPAddress.Parse("11.0.0.50"), T0));
        var (changed, cleared) = counter.TakeChanges();
        Assert.Equal(1_000_000, changed.Count);
        Assert.Equal(50, cleared.Count); // the evicted, for the checkpoint to delete
    }

    [Fact]
    public void A_huge_maxretry_costs_memory_per_failure_not_per_address()
    {
        // maxretry 1,000,000 once sized every slot for a million times: 8 GB for the first 1,024 addresses.
        var counter = new FailureCounter(FindTime, 1_000_000, capacity: 1_000_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5_000; i++)
        {
            var v = 0x0B000000 + i;
            counter.Add(new IPAddress([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]), T0);
        }
        var heavy = IPAddress.Parse("192.0.2.1");
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal((i + 1, false), counter.Add(heavy, T0.AddSeconds(i)));
        }
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "the counter allocated more than 64 MB");
        Assert.Equal(5_001, counter.Count);
        Assert.Equal(100, counter.FailuresOf(heavy, T0.AddSeconds(99)));
    }

    private static void SameChanges(
        (List<(IPAddress Address, IReadOnlyList<DateTimeOffset> Times)> Changed, List<IPAddress> Cleared) expected,
        (List<(IPAddress Address, IReadOnlyList<DateTimeOffset> Times)> Changed, List<IPAddress> Cleared) actual)
    {
        Assert.Equal(
            expected.Changed.Select(c => (c.Address, string.Join(",", c.Times.Select(t => t.UtcTicks)))).OrderBy(c => c.Address.ToString(), StringComparer.Ordinal),
            actual.Changed.Select(c => (c.Address, string.Join(",", c.Times.Select(t => t.UtcTicks)))).OrderBy(c => c.Address.ToString(), StringComparer.Ordinal));
        Assert.Equal(
            expected.Cleared.OrderBy(a => a.ToString(), StringComparer.Ordinal),
            actual.Cleared.OrderBy(a => a.ToString(), StringComparer.Ordinal));
    }
}
