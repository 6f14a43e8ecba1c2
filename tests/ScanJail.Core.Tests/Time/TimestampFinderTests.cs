using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Time;

namespace ScanJail.Core.Tests.Time;

public sealed class TimestampFinderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Plus2 = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");

    private static DateTimeOffset Find(string line, DateTimeOffset? now = null, TimeZoneInfo? zone = null)
    {
        Assert.True(TimestampFinder.TryFind(line, now ?? Now, zone ?? TimeZoneInfo.Utc, out var time), $"no time found in: {line}");
        return time;
    }

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi, int s) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    [Theory]
    [InlineData("Nov 21 10:00:01 host sshd[1]: x", 2026, 11, 21, 10, 0, 1)]
    [InlineData("Nov  1 10:00:01 host sshd[1]: x", 2026, 11, 1, 10, 0, 1)]
    [InlineData("Nov 21 2025 10:00:01 host sshd[1]: x", 2025, 11, 21, 10, 0, 1)]
    [InlineData("Sat Nov 21 10:00:01 2026 x", 2026, 11, 21, 10, 0, 1)]
    [InlineData("2026-11-21T05:20:19+00:00 vm portsentry[1]: x", 2026, 11, 21, 5, 20, 19)]
    [InlineData("2026-11-21T07:20:19+02:00 vm portsentry[1]: x", 2026, 11, 21, 5, 20, 19)]
    [InlineData("2026-11-21T05:20:19Z vm x", 2026, 11, 21, 5, 20, 19)]
    [InlineData("2026-11-21T00:20:19-0500 vm x", 2026, 11, 21, 5, 20, 19)]
    [InlineData("2026-11-21 10:00:01 host x", 2026, 11, 21, 10, 0, 1)]
    [InlineData("1795238480 - 11/21/2026 05:21:20 Host: 192.0.2.2/192.0.2.2 Port: 443 TCP Blocked", 2026, 11, 21, 5, 21, 20)]
    [InlineData("[client] Nov 21 10:00:01 host x", 2026, 11, 21, 10, 0, 1)]
    public void Finds_each_format(string line, int y, int mo, int d, int h, int mi, int s) =>
        Assert.Equal(Utc(y, mo, d, h, mi, s), Find(line));

    [Fact]
    public void Keeps_fractions_of_a_second()
    {
        Assert.Equal(Utc(2026, 11, 21, 5, 20, 19).AddTicks(3_463_160), Find("2026-11-21T05:20:19.346316+00:00 vm x"));
        Assert.Equal(Utc(2026, 11, 21, 5, 21, 20).AddMilliseconds(250), Find("1795238480.25 x"));
    }

    [Fact]
    public void A_yearless_stamp_more_than_two_days_ahead_is_last_year()
    {
        var newYear = Utc(2027, 1, 1, 0, 10, 0);
        Assert.Equal(Utc(2026, 12, 31, 23, 59, 59), Find("Dec 31 23:59:59 host x", newYear));
        Assert.Equal(Utc(2026, 11, 23, 10, 0, 0), Find("Nov 23 10:00:00 host x"));
        Assert.Equal(Utc(2025, 11, 24, 10, 0, 0), Find("Nov 24 10:00:00 host x"));
    }

    [Fact]
    public void The_29th_of_February_goes_back_to_the_last_leap_year()
    {
        Assert.Equal(Utc(2024, 2, 29, 10, 0, 0), Find("Feb 29 10:00:00 host x"));
    }

    [Fact]
    public void Stamps_without_an_offset_are_read_in_the_filters_zone()
    {
        Assert.Equal(Utc(2026, 11, 21, 8, 0, 1), Find("Nov 21 10:00:01 host x", zone: Plus2));
        Assert.Equal(Utc(2026, 11, 21, 8, 0, 1), Find("2026-11-21 10:00:01 host x", zone: Plus2));
        // An explicit offset wins over the zone; epoch seconds have no zone.
        Assert.Equal(Utc(2026, 11, 21, 5, 20, 19), Find("2026-11-21T05:20:19+00:00 x", zone: Plus2));
        Assert.Equal(Utc(2026, 11, 21, 5, 21, 20), Find("1795238480 - x", zone: Plus2));
    }

    [Theory]
    [InlineData("no time here at all")]
    [InlineData("")]
    [InlineData("Nov 31 10:00:01 host x")]
    [InlineData("Foo 21 10:00:01 host x")]
    [InlineData("2026-13-21 10:00:01 host x")]
    [InlineData("Nov 21 25:00:01 host x")]
    [InlineData("12345 - short number")]
    [InlineData("this prefix is much longer than forty characters: Nov 21 10:00:01")]
    public void Finds_nothing_where_there_is_no_valid_stamp_near_the_start(string line) =>
        Assert.False(TimestampFinder.TryFind(line, Now, TimeZoneInfo.Utc, out _));

    [Fact]
    public void Never_throws_on_arbitrary_text()
    {
        string[] pieces = ["Nov", " ", "  ", "21", "2026", "-", ":", "T", "Z", "+", "99", "1795238480", ".", "0", "Feb 29", "10:00:01", "x", "\0", "é"];
        var lines = Gen.Elements(pieces).ListOf().Select(parts => string.Concat(parts));
        Prop.ForAll(lines.ToArbitrary(), line =>
        {
            TimestampFinder.TryFind(line, Now, TimeZoneInfo.Utc, out _);
            return true;
        }).QuickCheckThrowOnFailure();
        Prop.ForAll<string>(line =>
        {
            TimestampFinder.TryFind(line ?? "", Now, Plus2, out _);
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Month_names_are_read_in_any_case_and_only_ascii_letters_can_spell_one()
    {
        // Month folds ASCII letters only: that is char.ToLowerInvariant's answer as long as no other character lowers
        // to an ASCII letter a month name holds (U+0130 and U+212A lower to i and k, which none holds).
        var monthLetters = "janfebmaraprmayjunjulaugsepoctnovdec".ToHashSet();
        for (var c = char.MinValue; c < char.MaxValue; c++)
        {
            var lower = char.ToLowerInvariant(c);
            Assert.False(!char.IsAsciiLetter(c) && monthLetters.Contains(lower), $"U+{(int)c:X4} lowers to {lower}");
        }
        string[] names = ["jan", "FEB", "Mar", "aPr", "MAY", "jUN", "Jul", "aug", "Sep", "OCT", "nOv", "Dec"];
        for (var month = 1; month <= 12; month++)
        {
            Assert.Equal(month, Find($"{names[month - 1]} 21 10:00:01 host x").Month);
        }
        Assert.False(TimestampFinder.TryFind("N\u0130v 21 10:00:01 host x", Now, TimeZoneInfo.Utc, out _));
        Assert.False(TimestampFinder.TryFind("No\u212A 21 10:00:01 host x", Now, TimeZoneInfo.Utc, out _));
    }
}
