using ScanJail.Core.Actions;
using ScanJail.Core.Configuration;

namespace ScanJail.Core.Tests.Actions.Netlink;

/// <summary>The <c>netlink:</c> key of an action file: what it accepts, and every mistake reported with its place.</summary>
public sealed class NetlinkLoaderTests
{
    private const string Batch = "ban: { run: [nft, -f, '-'], each: 'add element inet t s { <ip> }' }\n";

    private static (ActionDefinition? Definition, IReadOnlyList<ConfigError> Errors) Load(string yaml)
    {
        var errors = new ConfigErrors();
        var definition = ActionLoader.Parse(yaml, "actions/test.yaml", "test", errors);
        return (definition, errors.Sorted());
    }

    [Fact]
    public void A_netlink_block_names_the_family_table_and_sets_and_when_it_is_off()
    {
        var (definition, errors) = Load(
            "parameters: { subnets: 'no', prefix: sj }\npatterns: { prefix: '[a-z]+' }\n" + Batch +
            "netlink: { family: inet, table: '<prefix>-<jail>', sets: { inet4: a4, inet6: a6 }, unless: { subnets: 'yes' } }\n");

        Assert.Empty(errors);
        var sets = definition!.Netlink!;
        Assert.Equal(("inet", "<prefix>-<jail>", "a4", "a6"), (sets.Family, sets.Table, sets.Inet4Set, sets.Inet6Set));
        Assert.Equal("yes", sets.Unless["subnets"]);
    }

    [Theory]
    [InlineData("netlink: { family: bridge, table: t, sets: { inet4: a, inet6: b } }", "netlink.family", "inet, ip or ip6")]
    [InlineData("netlink: { family: inet, sets: { inet4: a, inet6: b } }", "netlink.table", "expected a name")]
    [InlineData("netlink: { family: inet, table: t }", "netlink.sets", "each address family")]
    [InlineData("netlink: { family: inet, table: t, sets: { inet4: a } }", "netlink.sets.inet6", "expected a name")]
    [InlineData("netlink: { family: inet, table: t-<user>, sets: { inet4: a, inet6: b } }", "netlink.table", "tag <user> cannot be used")]
    [InlineData("netlink: { family: inet, table: t, sets: { inet4: a, inet6: b }, unless: { colour: red } }", "netlink.unless.colour", "not a parameter")]
    [InlineData("netlink: { family: inet, table: t, sets: { inet4: a, inet6: b }, other: 1 }", "netlink.other", "unknown key")]
    [InlineData("netlink: [inet]", "netlink", "expected a mapping")]
    public void A_bad_netlink_block_is_an_error_that_says_where_and_why(string netlink, string field, string message)
    {
        var (definition, errors) = Load(Batch + netlink + "\n");

        Assert.Null(definition);
        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal) && e.Line > 0);
    }

    [Fact]
    public void Netlink_needs_a_batch_ban_to_fall_back_on()
    {
        var (definition, errors) = Load("ban: [nft, add, element, inet, t, s, '{ <ip> }']\nnetlink: { family: inet, table: t, sets: { inet4: a, inet6: b } }\n");

        Assert.Null(definition);
        Assert.Contains(errors, e => e.Field == "netlink" && e.Message.Contains("as batches", StringComparison.Ordinal));
    }
}
