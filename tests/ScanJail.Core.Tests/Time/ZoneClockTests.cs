using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Time;

namespace ScanJail.Core.Tests.Time;

/// <summary>
/// A year-less stamp's answer is kept for the next line that asks the same (<see cref="ZoneClock.TryYearless"/>):
/// whatever the order of the questions, each answer is the one worked out afresh (<see cref="ZoneClock.ComputeYearless"/>).
/// </summary>
public sealed class ZoneClockTests
{
    private static readonly TimeZoneInfo[] Zones =
    [
        TimeZoneInfo.Utc,
        TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2"),
        TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"),
        TimeZoneInfo.FindSystemTimeZoneById("America/New_York"),
    ];

    [Fact]
    public void A_kept_answer_is_the_answer_worked_out_afresh()
    {
        // Few distinct values, so questions repeat one after another (the kept answer is used) and differ in one field only.
        var now = Gen.Elements(
            new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 14, 0, 0, TimeSpan.FromHours(2)),
            new DateTimeOffset(2027, 1, 1, 0, 30, 0, TimeSpan.Zero), new DateTimeOffset(2028, 2, 28, 23, 0, 0, TimeSpan.Zero));
        var question = Gen.Elements(1, 2, 3, 11, 12, 13).SelectMany(month => Gen.Elements(0, 1, 29, 30, 31).SelectMany(day =>
            Gen.Elements(0, 2, 23, 24).SelectMany(hour => Gen.Elements(0, 59, 60).SelectMany(second => Gen.Elements(0L, 1L, 9_999_999L).SelectMany(fraction =>
                Gen.Elements(Zones).SelectMany(zone => now.Select(at => (month, day, hour, second, fraction, zone, at))))))));
        var asked = 0;
        Prop.ForAll(question.ListOf().ToArbitrary(), questions => questions.All(q =>
        {
            asked++;
            var kept = ZoneClock.TryYearless(q.month, q.day, q.hour, 30, q.second, q.fraction, q.zone, q.at, out var time);
            var fresh = ZoneClock.ComputeYearless(q.month, q.day, q.hour, 30, q.second, q.fraction, q.zone, q.at, out var expected);
            var again = ZoneClock.TryYearless(q.month, q.day, q.hour, 30, q.second, q.fraction, q.zone, q.at, out var second);
            return kept == fresh && again == fresh && time.EqualsExact(expected) && second.EqualsExact(expected);
        })).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
        Assert.True(asked > 1000, $"only {asked} questions");
    }
}
