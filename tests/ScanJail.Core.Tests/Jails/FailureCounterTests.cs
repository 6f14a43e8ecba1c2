using System.Net;
using ScanJail.Core.Jails;

namespace ScanJail.Core.Tests.Jails;

public sealed class FailureCounterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1");

    [Fact]
    public void Bans_at_maxretry_inside_findtime_and_forgets_the_address()
    {
        var counter = new FailureCounter(TimeSpan.FromMinutes(10), 3);
        Assert.Equal((1, false), counter.Add(A, T0));
        Assert.Equal((2, false), counter.Add(A, T0.AddMinutes(5)));
        Assert.Equal((3, true), counter.Add(A, T0.AddMinutes(9)));
        Assert.Equal(0, counter.Count);
    }

    [Fact]
    public void Failures_spent_by_a_restored_ban_are_dropped_and_not_counted_again_when_read_again()
    {
        var counter = new FailureCounter(TimeSpan.FromMinutes(10), 3);
        counter.Restore(A, [T0, T0.AddSeconds(1)]);
        counter.Spent(A, T0.AddSeconds(2)); // the ban made at the third failure, read back after a crash
        Assert.Equal(0, counter.Count);
        Assert.Equal((0, false), counter.Add(A, T0.AddSeconds(2))); // the third line, read again
        Assert.Equal((1, false), counter.Add(A, T0.AddSeconds(60))); // a new failure counts from one

        var later = new FailureCounter(TimeSpan.FromMinutes(10), 3);
        later.Restore(A, [T0, T0.AddSeconds(100)]);
        later.Spent(A, T0.AddSeconds(50)); // an earlier ban: the failure after it still counts
        Assert.Equal(1, later.FailuresOf(A, T0.AddSeconds(101)));
    }

    [Fact]
    public void Failures_older_than_findtime_by_the_lines_own_time_do_not_count()
    {
        var counter = new FailureCounter(TimeSpan.FromMinutes(10), 3);
        counter.Add(A, T0);
        counter.Add(A, T0.AddMinutes(2));
        Assert.Equal((2, false), counter.Add(A, T0.AddMinutes(11))); // the first fell out of the window
        Assert.Equal((3, true), counter.Add(A, T0.AddMinutes(11.5)));
    }

    [Fact]
    public void Out_of_order_lines_are_counted_by_their_time()
    {
        var counter = new FailureCounter(TimeSpan.FromMinutes(10), 3);
        counter.Add(A, T0.AddMinutes(20));
        counter.Add(A, T0); // far older than the newest: drops out at once
        Assert.Equal(1, counter.FailuresOf(A, T0.AddMinutes(20)));
        Assert.Equal((2, false), counter.Add(A, T0.AddMinutes(15)));
    }

    [Fact]
    public void The_table_is_bounded_and_evicts_the_least_recently_seen()
    {
        var counter = new FailureCounter(TimeSpan.FromMinutes(10), 3, capacity: 100);
        for (var i = 0; i < 250; i++)
        {
            counter.Add(new IPAddress([198, 51, 100, (byte)(i % 256)]), T0);
            if (i >= 200)
            {
                counter.Add(A, T0); // keeps A recent
            }
        }
        Assert.Equal(100, counter.Count);
        Assert.Equal(151, counter.Evicted);
        Assert.True(counter.FailuresOf(A, T0) > 0);
    }

    [Fact]
    public void Changes_are_reported_once_for_the_checkpoint_and_restore_rebuilds_them()
    {
        var counter = new FailureCounter(TimeSpan.FromMinutes(10), 3);
        var b = IPAddress.Parse("2001:db8::1");
        counter.Add(A, T0);
        counter.Add(b, T0);
        counter.Add(b, T0.AddSeconds(1));
        counter.Add(b, T0.AddSeconds(2)); // ban: cleared
        var (changed, cleared) = counter.TakeChanges();
        Assert.Equal([A], changed.Select(c => c.Address));
        Assert.Equal([b], cleared);
        Assert.Empty(counter.TakeChanges().Changed);

        var restored = new FailureCounter(TimeSpan.FromMinutes(10), 3);
        restored.Restore(A, changed.Single().Times);
        Assert.Equal((2, false), restored.Add(A, T0.AddSeconds(3)));
    }

    [Fact]
    public void Currently_failing_counts_addresses_with_a_failure_inside_the_window()
    {
        var counter = new FailureCounter(TimeSpan.FromMinutes(10), 5);
        counter.Add(A, T0);
        counter.Add(IPAddress.Parse("192.0.2.2"), T0.AddMinutes(8));
        Assert.Equal(2, counter.CurrentlyFailing(T0.AddMinutes(9)));
        Assert.Equal(1, counter.CurrentlyFailing(T0.AddMinutes(12)));
    }
}
