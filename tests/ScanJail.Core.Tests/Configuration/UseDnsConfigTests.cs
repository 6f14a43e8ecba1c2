using ScanJail.Core.Configuration;

namespace ScanJail.Core.Tests.Configuration;

/// <summary><c>usedns</c>: yes, warn or no, per jail or in defaults; warn when unset, as in fail2ban.</summary>
public sealed class UseDnsConfigTests
{
    [Fact]
    public void Usedns_is_read_per_jail_and_from_defaults_and_warn_when_unset()
    {
        using var dir = new TempConfigDirectory();
        dir.Write("shipped/actions/log.yaml", ConfigFixtures.NoopAction);
        dir.Write("shipped/filters/f.yaml", ConfigFixtures.SshdFilter);
        dir.Write("etc/jail.yaml", """
            defaults:
              usedns: no
            jails:
              a: { source: /var/log/a.log, filter: f, usedns: yes }
              b: { source: /var/log/b.log, filter: f }
            """);
        dir.Write("etc/other/jail.yaml", """
            jails:
              c: { source: /var/log/c.log, filter: f }
            """);

        var jails = dir.Load().Config!.Jails.ToDictionary(j => j.Name);
        var unset = ConfigLoader.Load(Path.Combine(dir.Root, "etc", "other"), [dir.Shipped]).Config!.Jails.Single();

        Assert.Equal(DnsMode.Yes, jails["a"].UseDns);
        Assert.Equal(DnsMode.No, jails["b"].UseDns);
        Assert.Equal(DnsMode.Warn, unset.UseDns);
    }

    [Fact]
    public void Another_value_is_an_error_naming_the_choices()
    {
        using var dir = new TempConfigDirectory();
        dir.Write("shipped/actions/log.yaml", ConfigFixtures.NoopAction);
        dir.Write("shipped/filters/f.yaml", ConfigFixtures.SshdFilter);
        dir.Write("etc/jail.yaml", """
            jails:
              a: { source: /var/log/a.log, filter: f, usedns: sometimes }
            """);

        var error = Assert.Single(dir.Load().Errors);
        Assert.Equal("jails.a.usedns", error.Field);
        Assert.Contains("expected yes", error.Message, StringComparison.Ordinal);
    }
}
