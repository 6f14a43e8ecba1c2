using ScanJail.Core.Time;

namespace ScanJail.Core.Tests.Time;

public sealed class DurationGrammarTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5_400)]
    [InlineData("2d", 172_800)]
    [InlineData("1w", 604_800)]
    [InlineData("1w2d3h4m5s", 788_645)]
    [InlineData("90", 90)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("  15m  ", 900)]
    [InlineData("\t1h\n", 3_600)]
    [InlineData("1h 30m", 5_400)]
    [InlineData("120m", 7_200)]
    [InlineData("007s", 7)]
    [InlineData("36500d", 3_153_600_000)]
    [InlineData("3153600000", 3_153_600_000)]
    public void Reads_durations(string text, long seconds)
    {
        Assert.True(DurationGrammar.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-5")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("5x")]
    [InlineData("5 m")]
    [InlineData("m")]
    [InlineData("1h30")]
    [InlineData("30m1h")]
    [InlineData("1h1h")]
    [InlineData("1.5h")]
    [InlineData("1H")]
    [InlineData("10min")]
    [InlineData("1h,30m")]
    [InlineData("36501d")]
    [InlineData("3153600001")]
    [InlineData("8757775169\t")]
    [InlineData("999999999999999w")]
    [InlineData("9999999999999999999999999999s")]
    [InlineData("\u0663m")]
    [InlineData("1\u0663s")]
    [InlineData("permanent")]
    public void Rejects_what_is_not_a_duration(string? text)
    {
        Assert.False(DurationGrammar.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59, "59s")]
    [InlineData(600, "10m")]
    [InlineData(5_400, "1h30m")]
    [InlineData(788_645, "1w2d3h4m5s")]
    [InlineData(1_209_600, "2w")]
    public void Formats_largest_unit_first(long seconds, string expected) =>
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Format_drops_fractions_and_negatives()
    {
        Assert.Equal("1s", DurationText.Format(TimeSpan.FromMilliseconds(1_999)));
        Assert.Equal("0s", DurationText.Format(TimeSpan.FromSeconds(-5)));
    }
}
