using ScanJail.Core.Configuration;
using ScanJail.Core.Engine;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Configuration;

/// <summary>
/// A jail's actions carry its ignoreip (the <c>&lt;ignoreip&gt;</c> tag: the nftables trap spares those
/// addresses in the kernel), as the loader normalized it, and a changed ignoreip restarts the actions on reload.
/// </summary>
public sealed class ActionIgnoreIpTests : IDisposable
{
    private readonly TempConfigDirectory _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void Each_action_of_an_enabled_jail_gets_the_jails_ignoreip_normalized()
    {
        var jail = Load("""[192.0.2.7/24, "::ffff:198.51.100.0/120", "2001:db8::1"]""");

        Assert.Equal(["nftables", "log"], jail.Actions.Select(a => a.Name));
        Assert.All(jail.Actions, a => Assert.Equal("192.0.2.0/24 198.51.100.0/24 2001:db8::1/128", a.IgnoreIp));
    }

    [Fact]
    public void Another_ignoreip_makes_other_actions_and_the_same_one_the_same()
    {
        var before = Load("[192.0.2.0/24]");

        Assert.True(JailBuilder.SameActions(before.Actions, Load("[192.0.2.0/24]").Actions));
        Assert.False(JailBuilder.SameActions(before.Actions, Load("[192.0.2.0/24, 203.0.113.9]").Actions));
    }

    private JailConfig Load(string ignoreIp)
    {
        _config.Write("etc/jail.yaml", $$"""
            jails:
              portscan:
                enabled: true
                source: { file: /var/log/auth.log }
                filter: attackalert
                maxretry: 1
                ignoreip: {{ignoreIp}}
                actions: [{ nftables: { trap: "1-1024" } }, log]
            """);
        var result = _config.Load(RepositoryRoot.Path);
        Assert.Empty(result.Errors);
        return result.Config!.Jails.Single(j => j.Name == "portscan");
    }
}
