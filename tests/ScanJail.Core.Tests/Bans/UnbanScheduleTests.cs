using System.Net;
using ScanJail.Core.Bans;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Bans;

public sealed class UnbanScheduleTests
{
    [Fact]
    public void One_timer_fires_for_the_earliest_end_and_due_entries_come_out_in_order()
    {
        var time = new ManualTimeProvider();
        var signals = 0;
        using var schedule = new UnbanSchedule(time, () => signals++);
        var now = time.GetUtcNow();
        schedule.Add(Ban("192.0.2.2", now, TimeSpan.FromSeconds(30)));
        schedule.Add(Ban("192.0.2.1", now, TimeSpan.FromSeconds(10)));
        schedule.Add(new Ban("j", IPAddress.Parse("192.0.2.3"), now, null, 3, 1, new Dictionary<string, string>())); // permanent: never scheduled

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, signals);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, signals);
        Assert.Equal(["192.0.2.1"], schedule.TakeDue().Select(d => d.Address.ToString()));

        time.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(2, signals);
        Assert.Equal(["192.0.2.2"], schedule.TakeDue().Select(d => d.Address.ToString()));
        Assert.Equal(0, schedule.Count);
    }

    [Fact]
    public void Bans_added_at_once_expire_like_bans_added_one_by_one()
    {
        var time = new ManualTimeProvider();
        var signals = 0;
        using var schedule = new UnbanSchedule(time, () => signals++);
        var now = time.GetUtcNow();
        schedule.AddRange(Enumerable.Range(1, 1000).Select(i => Ban($"198.18.{i / 256}.{i % 256}", now, TimeSpan.FromSeconds(1001 - i))));
        schedule.AddRange([new Ban("j", IPAddress.Parse("192.0.2.3"), now, null, 3, 1, new Dictionary<string, string>())]); // permanent
        Assert.Equal(1000, schedule.Count);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, signals); // one timer, for the earliest
        Assert.Equal(["198.18.3.232"], schedule.TakeDue().Select(d => d.Address.ToString()));
        time.Advance(TimeSpan.FromSeconds(999));
        var due = schedule.TakeDue();
        Assert.Equal(999, due.Count);
        Assert.Equal(due.OrderBy(d => d.End).Select(d => d.Address), due.Select(d => d.Address)); // earliest first
        Assert.Equal(0, schedule.Count);
    }

    private static Ban Ban(string address, DateTimeOffset start, TimeSpan length) =>
        new("j", IPAddress.Parse(address), start, start + length, 3, 1, new Dictionary<string, string>());
}
