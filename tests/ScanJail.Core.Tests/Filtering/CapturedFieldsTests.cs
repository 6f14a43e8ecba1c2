using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Filtering;

namespace ScanJail.Core.Tests.Filtering;

/// <summary>
/// A match's fields as two arrays: answers exactly as the dictionary they replace, filled group by group
/// with a later group of the same name overwriting an earlier one and groups that did not take part left out.
/// </summary>
public sealed class CapturedFieldsTests
{
    [Fact]
    public void Answers_as_the_dictionary_filled_group_by_group()
    {
        var names = Gen.Elements("user", "port", "kind", "proto", "host");
        var values = Gen.OneOf(Gen.Constant<string?>(null), Gen.Elements<string?>("", "root", "22", "a=b", "x y"));
        var groups = Gen.Zip(names, values).ArrayOf();
        Prop.ForAll(groups.ToArbitrary(), pairs =>
        {
            var model = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in pairs)
            {
                if (value is not null)
                {
                    model[name] = value;
                }
            }
            var fields = new CapturedFields([.. pairs.Select(p => p.Item1)], [.. pairs.Select(p => p.Item2)]);
            var looked = new[] { "user", "port", "kind", "proto", "host", "other" }.All(key =>
                fields.ContainsKey(key) == model.ContainsKey(key)
                && fields.TryGetValue(key, out var got) == model.TryGetValue(key, out var want) && got == want);
            return fields.Count == model.Count && looked
                && fields.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(model.OrderBy(p => p.Key, StringComparer.Ordinal))
                && fields.Keys.Order(StringComparer.Ordinal).SequenceEqual(model.Keys.Order(StringComparer.Ordinal));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_missing_key_throws_as_a_dictionary_does()
    {
        var fields = new CapturedFields(["user"], ["root"]);
        Assert.Equal("root", fields["user"]);
        Assert.Throws<KeyNotFoundException>(() => fields["port"]);
    }

    [Fact]
    public void A_regex_filter_hands_on_its_named_captures_the_patterns_over_the_prefixs()
    {
        using var files = new FilterFiles();
        var filter = files.CreateValid("""
            prefix: '^(?<daemon>\w+)\[(?<port>\d+)\]: '
            failregex: ['^Failed password for (?<user>\S+) from <HOST> port (?<port>\d+)', '^Invalid (?<user>\S+) from <HOST>']
            """);
        var result = filter.Match("sshd[99]: Failed password for root from 192.0.2.7 port 2222", DateTimeOffset.UnixEpoch);
        Assert.Equal(MatchOutcome.Matched, result.Outcome);
        Assert.Equal(
            new Dictionary<string, string> { ["daemon"] = "sshd", ["port"] = "2222", ["user"] = "root" },
            result.Fields!.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        var second = filter.Match("sshd[99]: Invalid bob from 192.0.2.8", DateTimeOffset.UnixEpoch);
        Assert.Equal(
            new Dictionary<string, string> { ["daemon"] = "sshd", ["port"] = "99", ["user"] = "bob" },
            second.Fields!.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
    }
}
