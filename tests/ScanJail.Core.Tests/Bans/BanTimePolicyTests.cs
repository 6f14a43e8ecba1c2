using ScanJail.Core.Bans;

namespace ScanJail.Core.Tests.Bans;

public sealed class BanTimePolicyTests
{
    [Fact]
    public void Repeat_offenders_get_base_times_factor_to_the_power_of_earlier_bans_capped_at_maxtime()
    {
        var policy = new BanTimePolicy(TimeSpan.FromHours(1), 2, TimeSpan.FromHours(5));
        Assert.Equal(TimeSpan.FromHours(1), policy.For(1));
        Assert.Equal(TimeSpan.FromHours(2), policy.For(2));
        Assert.Equal(TimeSpan.FromHours(4), policy.For(3));
        Assert.Equal(TimeSpan.FromHours(5), policy.For(4));
        Assert.Equal(TimeSpan.FromHours(5), policy.For(400));
    }

    [Fact]
    public void Without_increment_every_ban_has_the_base_time_and_permanent_has_none()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), new BanTimePolicy(TimeSpan.FromMinutes(10)).For(7));
        Assert.Null(BanTimePolicy.Permanent.For(1));
    }
}
