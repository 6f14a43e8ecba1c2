using ScanJail.Core.Time;

namespace ScanJail.Core.Tests.Time;

public sealed class DatePatternTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset? Read(string format, string line)
    {
        Assert.True(DatePattern.TryCreate(format, out var pattern, out var problem), problem);
        return pattern!.TryRead(line, Now, TimeZoneInfo.Utc, out var time) ? time : null;
    }

    [Fact]
    public void Reads_a_custom_format_near_the_start()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 0, 1, TimeSpan.Zero), Read("yyyy/MM/dd HH:mm:ss", "[2026/11/21 10:00:01] login failed from 203.0.113.9"));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 0, 1, TimeSpan.FromHours(1)), Read("dd/MMM/yyyy:HH:mm:ss zzz", "203.0.113.9 - - [21/Nov/2026:10:00:01 +01:00] \"GET /\""));
    }

    [Fact]
    public void A_format_without_a_year_gets_one_like_syslog_stamps()
    {
        Assert.Equal(new DateTimeOffset(2025, 12, 30, 10, 0, 1, TimeSpan.Zero), Read("MM-dd HH:mm:ss", "12-30 10:00:01 x"));
    }

    [Fact]
    public void Epoch_reads_seconds_at_the_start()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 5, 21, 20, TimeSpan.Zero), Read("epoch", "1795238480 - x"));
        Assert.Null(Read("epoch", "x 1795238480"));
    }

    [Fact]
    public void A_line_without_the_format_gives_nothing() => Assert.Null(Read("yyyy-MM-dd HH:mm:ss", "Nov 21 10:00:01 host x"));

    [Theory]
    [InlineData("")]
    [InlineData("d")]
    [InlineData("%")]
    public void Rejects_unusable_formats(string format)
    {
        Assert.False(DatePattern.TryCreate(format, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }
}
