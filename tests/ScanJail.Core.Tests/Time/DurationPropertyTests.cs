using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Time;

namespace ScanJail.Core.Tests.Time;

public sealed class DurationPropertyTests
{
    // Mostly characters the grammar knows, so that generated text gets deep into it, plus some noise.
    private static readonly char[] Alphabet = "0123456789smhdw -+.:\t\u00e9\u0663x".ToCharArray();

    [Fact]
    public void Never_throws_on_near_miss_text()
    {
        var text = Gen.Elements(Alphabet).ArrayOf().Select(chars => new string(chars));
        Prop.ForAll(text.ToArbitrary(), s =>
        {
            var ok = DurationGrammar.TryParse(s, out var d);
            // Whatever it accepts is in range.
            return !ok || (d >= TimeSpan.Zero && d <= DurationGrammar.Max);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Never_throws_on_arbitrary_strings()
    {
        Prop.ForAll<string>(s =>
        {
            var duration = DurationGrammar.TryParse(s, out var d) ? d : TimeSpan.Zero;
            var banTime = BanTimeText.TryParse(s, out var b) ? b : TimeSpan.Zero;
            return duration <= DurationGrammar.Max && (banTime is null || banTime <= DurationGrammar.Max);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Format_then_parse_gives_the_same_whole_seconds()
    {
        var maxSeconds = (long)DurationGrammar.Max.TotalSeconds;
        var seconds = Gen.Choose(0, int.MaxValue).Two()
            .Select(p => ((long)p.Item1 * 2 + p.Item2) % (maxSeconds + 1));
        Prop.ForAll(seconds.ToArbitrary(), s =>
        {
            var duration = TimeSpan.FromSeconds(s);
            var text = DurationText.Format(duration);
            return DurationGrammar.TryParse(text, out var back) && back == duration;
        }).QuickCheckThrowOnFailure();
    }
}
