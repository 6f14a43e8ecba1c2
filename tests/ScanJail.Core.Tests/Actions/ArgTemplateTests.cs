using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Actions;

namespace ScanJail.Core.Tests.Actions;

public sealed class ArgTemplateTests
{
    // Characters that stress the tokenizer: brackets, tag-name characters and a few others.
    private static readonly Gen<string> Tricky =
        Gen.Elements('<', '>', 'a', 'Z', '_', '-', '1', ' ', '\0', 'é', '$', '"')
            .ListOf()
            .Select(chars => new string([.. chars]));

    [Theory]
    [InlineData("<ip>", "[ip]")]
    [InlineData("ban <jail> <ip>", "'ban '[jail]' '[ip]")]
    [InlineData("<ip>/<mask>", "[ip]'/'[mask]")]
    [InlineData("<<ip>>", "'<'[ip]'>'")]
    [InlineData("<1x> < ip> <ip >", "'<1x> < ip> <ip >'")]
    [InlineData("a<b-c_d9>e", "'a'[b-c_d9]'e'")]
    [InlineData("<", "'<'")]
    [InlineData("<>", "'<>'")]
    [InlineData("", "''")]
    [InlineData("x<y", "'x<y'")]
    [InlineData("<a<b>", "'<a'[b]")]
    public void Splits_text_and_tags(string template, string expected)
    {
        var parts = ArgTemplate.Parse(template).Parts.Select(p => p.IsTag ? $"[{p.Text}]" : $"'{p.Text}'");

        Assert.Equal(expected, string.Concat(parts));
    }

    [Fact]
    public void A_value_is_pasted_in_as_one_piece_however_it_looks()
    {
        var values = TagValues.Of(new Dictionary<string, string> { ["ip"] = "192.0.2.1", ["user"] = "a b; rm -rf / <ip>" });

        Assert.Equal("from=192.0.2.1 user=a b; rm -rf / <ip>!", ArgTemplate.Parse("from=<ip> user=<user>!").Render(values));
        Assert.Equal("", ArgTemplate.Parse("<missing>").Render(values));
        Assert.Equal("x--y", ArgTemplate.Parse("x-<missing>-y").Render(values));
    }

    [Fact]
    public void NUL_in_a_value_becomes_the_replacement_character()
    {
        var values = TagValues.Of(new Dictionary<string, string> { ["user"] = "a\0b" });

        Assert.Equal("[a\uFFFDb]", ArgTemplate.Parse("[<user>]").Render(values));
    }

    [Fact]
    public void Tokenizing_and_rendering_never_throw()
    {
        var values = Gen.Zip(Tricky, ArbMap.Default.GeneratorFor<string>()).ToArbitrary();
        Prop.ForAll(values, pair =>
        {
            var (template, value) = pair;
            var parsed = ArgTemplate.Parse(template);
            var all = parsed.Tags.Distinct().ToDictionary(t => t, _ => value ?? "");
            var rendered = parsed.Render(TagValues.Of(all));
            return rendered is not null;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Rendering_each_tag_as_itself_gives_back_the_template()
    {
        Prop.ForAll(Tricky.ToArbitrary(), template =>
        {
            var parsed = ArgTemplate.Parse(template);
            var identity = parsed.Tags.Distinct().ToDictionary(t => t, t => $"<{t}>");
            return parsed.Render(TagValues.Of(identity)) == template;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_template_without_tags_renders_to_itself()
    {
        var anyText = ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "");
        Prop.ForAll(Gen.OneOf(anyText, Tricky).ToArbitrary(), template =>
        {
            var parsed = ArgTemplate.Parse(template);
            return parsed.Tags.Any() || parsed.Render(TagValues.Of(new Dictionary<string, string> { ["ip"] = "x" })) == template;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_lone_tag_renders_to_exactly_its_value()
    {
        Prop.ForAll(ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "").ToArbitrary(), value =>
        {
            var rendered = ArgTemplate.Parse("<user>").Render(TagValues.Of(new Dictionary<string, string> { ["user"] = value }));
            return rendered == value.Replace('\0', '\uFFFD');
        }).QuickCheckThrowOnFailure();
    }
}
