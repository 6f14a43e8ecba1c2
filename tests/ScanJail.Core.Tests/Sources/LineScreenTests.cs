using System.Text;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Sources;

/// <summary>
/// The byte screen before decoding: it must say "may match" exactly when the decoded line (invalid bytes
/// replaced, as FileReader decodes) contains one of the literals, or a filter would see a different line.
/// </summary>
public sealed class LineScreenTests
{
    [Fact]
    public void Finds_a_literal_in_the_bytes_exactly_when_the_decoded_text_has_it()
    {
        byte[][] pieces =
        [
            "sshd"u8.ToArray(), "ssh"u8.ToArray(), "d"u8.ToArray(), "attackalert:"u8.ToArray(), " Host: "u8.ToArray(), " "u8.ToArray(), "x"u8.ToArray(),
            "\u00e9"u8.ToArray(), "\u20ac"u8.ToArray(), "\u20acx"u8.ToArray(), [0xE2], [0x82], [0xAC], [0xC3], [0xA9], [0xFF], [0x80], [0xF0, 0x9F], [0xED, 0xA0, 0x80],
        ];
        string[][] sets = [["sshd"], ["attackalert:", " Host: "], ["\u00e9"], ["\u20acx", "d"]];
        var decoder = new UTF8Encoding(false, false);
        var lines = Gen.Elements(pieces).ListOf().Select(parts => parts.SelectMany(p => p).ToArray());
        foreach (var count in new[] { 1, 2, 4 })
        {
            var chosen = sets.Take(count).ToArray();
            var screen = LineScreen.For(chosen);
            Assert.NotNull(screen);
            var literals = chosen.SelectMany(s => s).ToArray();
            Prop.ForAll(lines.ToArbitrary(), bytes =>
            {
                var text = decoder.GetString(bytes);
                return screen!.MayMatch(bytes) == literals.Any(l => text.Contains(l, StringComparison.Ordinal));
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
        }
    }

    [Fact]
    public void No_screen_when_some_reader_may_match_any_line_or_a_literal_has_no_plain_bytes()
    {
        Assert.Null(LineScreen.For([["sshd"], null]));
        Assert.Null(LineScreen.For([["sshd"], []]));
        Assert.Null(LineScreen.For([["sshd", ""]]));
        Assert.Null(LineScreen.For([["a\uFFFD"]]));
        Assert.Null(LineScreen.For([["\ud800"]]));
        Assert.Null(LineScreen.For([]));
        Assert.NotNull(LineScreen.For([["sshd"], ["attackalert:"]]));
    }

    [Fact]
    public async Task Lines_no_filter_can_match_are_counted_and_positioned_but_not_decoded()
    {
        await using var tail = new TailHarness();
        var path = tail.PathOf("auth.log");
        File.WriteAllBytes(path, [.. "h sshd[1]: one\nnoise\r\n"u8, 0xE2, .. "sshd\n\nlast noise\n"u8]);
        tail.Start(path, fromStart: true, screen: LineScreen.For([["sshd"]]));
        await tail.WaitForCount(5);
        var lines = tail.Lines.ToArray();
        Assert.Equal(["h sshd[1]: one", "", "\uFFFDsshd", "", ""], lines.Select(l => l.Text));
        Assert.Equal([false, true, false, true, true], lines.Select(l => l.Screened));
        Assert.Equal([15L, 22L, 28L, 29L, 40L], lines.Select(l => l.Position!.Offset));
        Assert.Equal(new FileInfo(path).Length, lines[^1].Position!.Offset);
        Assert.Equal(5, tail.Source!.Counters.Lines.Value);
        Assert.Equal(1, tail.Source.Counters.InvalidUtf8.Value);
    }
}
