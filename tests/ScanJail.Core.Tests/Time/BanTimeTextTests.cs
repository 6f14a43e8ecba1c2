using ScanJail.Core.Time;

namespace ScanJail.Core.Tests.Time;

public sealed class BanTimeTextTests
{
    [Theory]
    [InlineData("permanent")]
    [InlineData(" permanent ")]
    [InlineData("-1")]
    public void Permanent_markers_give_no_end(string text)
    {
        Assert.True(BanTimeText.TryParse(text, out var duration));
        Assert.Null(duration);
    }

    [Fact]
    public void A_duration_is_a_duration()
    {
        Assert.True(BanTimeText.TryParse("1h30m", out var duration));
        Assert.Equal(TimeSpan.FromMinutes(90), duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-2")]
    [InlineData("Permanent")]
    [InlineData("forever")]
    public void Rejects_others(string? text) => Assert.False(BanTimeText.TryParse(text, out _));

    [Fact]
    public void Formats_permanent_and_durations()
    {
        Assert.Equal("permanent", BanTimeText.Format(null));
        Assert.Equal("1d", BanTimeText.Format(TimeSpan.FromDays(1)));
    }
}
