namespace ScanJail.Core.Tests.Configuration;

/// <summary>One wrong value per case, in a disabled jail so that only structure and values are checked.</summary>
public sealed class ConfigValueErrorTests : IDisposable
{
    private readonly TempConfigDirectory _config = new();

    public void Dispose() => _config.Dispose();

    [Theory]
    [InlineData("maxretry: 0", "jails.j.maxretry", "from 1 to")]
    [InlineData("maxretry: -3", "jails.j.maxretry", "from 1 to")]
    [InlineData("maxretry: three", "jails.j.maxretry", "whole number")]
    [InlineData("maxretry: [3]", "jails.j.maxretry", "single value")]
    [InlineData("findtime: 10 minutes", "jails.j.findtime", "such as 30s")]
    [InlineData("findtime: 0s", "jails.j.findtime", "longer than zero")]
    [InlineData("findtime: -1", "jails.j.findtime", "such as 30s")]
    [InlineData("bantime: forever", "jails.j.bantime", "or permanent")]
    [InlineData("bantime: 0", "jails.j.bantime", "longer than zero")]
    [InlineData("bantime: { increment: { factor: 2 } }", "jails.j.bantime.base", "add base")]
    [InlineData("bantime: { base: permanent, increment: {} }", "jails.j.bantime.increment", "cannot grow")]
    [InlineData("bantime: { base: 1h, increment: { factor: 0.5 } }", "jails.j.bantime.increment.factor", "from 1 to")]
    [InlineData("bantime: { base: 1h, increment: { maxtime: 30m } }", "jails.j.bantime.increment.maxtime", "at least base")]
    [InlineData("bantime: { base: 1h, grow: 2 }", "jails.j.bantime.grow", "unknown key")]
    [InlineData("ignoreip: [192.0.2.0/33]", "jails.j.ignoreip", "not an IP address or CIDR")]
    [InlineData("ignoreip: [localhost]", "jails.j.ignoreip", "not an IP address or CIDR")]
    [InlineData("ignoreself: maybe", "jails.j.ignoreself", "true or false")]
    [InlineData("ignoreself: 1", "jails.j.ignoreself", "true or false")]
    [InlineData("source: ''", "jails.j.source", "source is empty")]
    [InlineData("source: []", "jails.j.source", "source list is empty")]
    [InlineData("source: [[a, b]]", "jails.j.source[0]", "nested list")]
    [InlineData("source: { from: start }", "jails.j.source.file", "needs file: PATH")]
    [InlineData("source: { file: a.log, from: middle }", "jails.j.source.from", "start or end")]
    [InlineData("source: { file: a.log, maxline: 10 }", "jails.j.source.maxline", "from 256 to")]
    [InlineData("source: { file: [a.log, b.log] }", "jails.j.source.file", "give source a list")]
    [InlineData("filter: ../../etc/passwd", "jails.j.filter", "not a valid filter name")]
    [InlineData("filter: ''", "jails.j.filter", "filter name is empty")]
    [InlineData("filter: [a, b]", "jails.j.filter", "expected a filter name")]
    [InlineData("filter: { a: 1, b: 2 }", "jails.j.filter", "expected a filter name")]
    [InlineData("filter: { sshd: [x] }", "jails.j.filter.sshd", "must be a mapping")]
    [InlineData("actions: { log: {} }", "jails.j.actions", "expected a list of actions")]
    [InlineData("actions: [log, log]", "jails.j.actions[1]", "listed twice")]
    [InlineData("actions: [{ mail: { to: [a, b] } }]", "jails.j.actions[0].mail.to", "single value")]
    [InlineData("actions: [a/b]", "jails.j.actions[0]", "not a valid action name")]
    [InlineData("banprefix: { ipv4: 4 }", "jails.j.banprefix.ipv4", "from 8 to 32")]
    [InlineData("banprefix: { ipv6: 129 }", "jails.j.banprefix.ipv6", "from 16 to 128")]
    [InlineData("banprefix: { ipv5: 24 }", "jails.j.banprefix.ipv5", "unknown key")]
    [InlineData("banprefix: 64", "jails.j.banprefix", "mapping")]
    public void A_wrong_value_is_reported_at_its_field(string line, string field, string message)
    {
        // Disabled, so only structure and values are checked.
        _config.Write("etc/jail.yaml", $"""
            jails:
              j:
                enabled: false
                {line}
            """);
        var result = _config.Load();
        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors);
        Assert.Equal((field, "j", 4), (error.Field, error.Jail, error.Line));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
