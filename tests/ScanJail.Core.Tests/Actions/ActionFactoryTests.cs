using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Actions;
using ScanJail.Core.Configuration;
using YamlDotNet.RepresentationModel;
using static ScanJail.Core.Tests.Actions.Fixtures;

namespace ScanJail.Core.Tests.Actions;

public sealed class ActionFactoryTests
{
    private static readonly ActionDefinition Firewall = Definition("""
        parameters: { chain: INPUT, port: all }
        ban: [iptables, -I, "<chain>", -s, "<ip>", -j, DROP]
        """, "firewall");

    [Fact]
    public void Given_parameters_override_the_defaults()
    {
        var errors = new ConfigErrors();

        var merged = ActionFactory.MergeParameters(Firewall, new Dictionary<string, string> { ["port"] = "22" }, errors, "jail.yaml", null, "ssh");

        Assert.Empty(errors.Items);
        Assert.Equal(new Dictionary<string, string> { ["chain"] = "INPUT", ["port"] = "22" }, merged);
        Assert.Equal("all", Firewall.Parameters["port"]);
    }

    [Fact]
    public void An_unknown_parameter_is_an_error_at_the_jails_reference()
    {
        var errors = new ConfigErrors();
        var jail = YamlFile.ParseMapping("jails:\n  ssh:\n    actions:\n      - firewall: { chian: X }\n", "jail.yaml", errors)!;
        var reference = ((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)jail["jails"])["ssh"])["actions"])[0])["firewall"];

        var merged = ActionFactory.MergeParameters(Firewall, new Dictionary<string, string> { ["chian"] = "X" }, errors, "jail.yaml", reference, "ssh");

        var error = Assert.Single(errors.Items);
        Assert.Equal("jail.yaml:4:19: jail 'ssh': actions.firewall.chian: action 'firewall' (actions/firewall.yaml) has no parameter 'chian'; its parameters are: chain, port",
            error.ToString());
        Assert.Equal("INPUT", merged["chain"]);
    }

    [Fact]
    public async Task Create_with_the_default_retry_policy_runs_the_action()
    {
        var definition = Definition("ban: [true]");
        await using var action = ActionFactory.Create(new ActionConfig("record", definition, definition.Parameters), "ssh", TimeProvider.System, NullLogger.Instance);

        action.Enqueue(ActionVerb.Ban, Ban());
        await action.DrainAsync(Bounded());

        Assert.Equal(new ActionHealth("record", 1, 0, 0, 0, null, null), action.Health);
    }
}
