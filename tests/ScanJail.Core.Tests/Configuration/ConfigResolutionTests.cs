using ScanJail.Core.Configuration;

namespace ScanJail.Core.Tests.Configuration;

/// <summary>
/// Filter and action names of enabled jails: DIR first, then each shipped set in order; each file
/// loaded through FilterLoader/ActionLoader and checked through FilterFactory/ActionFactory.
/// </summary>
public sealed class ConfigResolutionTests : IDisposable
{
    private readonly TempConfigDirectory _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void The_acceptance_example_loads()
    {
        _config.Write("etc/jail.yaml", $"""
            defaults:
              findtime: 10m
              maxretry: 3
              bantime: 5s
            jails:
              ssh:
                enabled: true
                source: {"{"} file: {_config.Dir}/auth.log {"}"}
                filter: sshd
                actions: [record]
            """);
        _config.Write("etc/actions/record.yaml", ConfigFixtures.RecordAction);
        var sshdFilter = _config.Write("shipped/filters/sshd.yaml", ConfigFixtures.SshdFilter);

        var result = _config.Load();

        Assert.Empty(result.Errors);
        var jail = Assert.Single(result.Config!.EnabledJails);
        Assert.Equal("ssh", jail.Name);
        Assert.Equal([new FileSourceConfig(Path.Combine(_config.Dir, "auth.log"))], jail.Sources);
        Assert.Equal(sshdFilter, jail.Filter.File);
        Assert.Equal(TimeSpan.FromMinutes(10), jail.FindTime);
        Assert.Equal(3, jail.MaxRetry);
        Assert.Equal(TimeSpan.FromSeconds(5), jail.BanTime.Base);
        var action = Assert.Single(jail.Actions);
        Assert.Equal("record", action.Name);
        Assert.Equal(Path.Combine(_config.Dir, "actions", "record.yaml"), action.Definition.File);
    }

    [Fact]
    public void Names_resolve_in_DIR_before_the_shipped_sets_and_the_first_shipped_set_first()
    {
        _config.Write("etc/jail.yaml", """
            jails:
              a: { source: a.log, filter: sshd, actions: [record, noop] }
            """);
        var localFilter = _config.Write("etc/filters/sshd.yaml", ConfigFixtures.SshdFilter);
        _config.Write("first/filters/sshd.yaml", ConfigFixtures.SshdFilter);
        var firstAction = _config.Write("first/actions/noop.yaml", ConfigFixtures.NoopAction);
        _config.Write("second/actions/noop.yaml", ConfigFixtures.NoopAction);
        var secondAction = _config.Write("second/actions/record.yaml", ConfigFixtures.RecordAction);

        var result = _config.Load(Path.Combine(_config.Root, "first"), Path.Combine(_config.Root, "second"));

        Assert.Empty(result.Errors);
        var jail = Assert.Single(result.Config!.Jails);
        Assert.Equal(localFilter, jail.Filter.File);
        Assert.Equal([secondAction, firstAction], jail.Actions.Select(a => a.Definition.File));
    }

    [Fact]
    public void A_one_file_jail_yaml_enables_a_shipped_jail_with_shipped_filter_and_actions()
    {
        _config.Write("shipped/jails/sshd.yaml", """
            jails:
              sshd:
                source: /var/log/auth.log
                filter: sshd
                maxretry: 5
            """);
        _config.Write("shipped/jails/apache.yaml", """
            jails:
              apache: { source: /var/log/apache2/error.log, filter: apache-auth }
            """);
        _config.Write("shipped/filters/sshd.yaml", ConfigFixtures.SshdFilter);
        _config.Write("shipped/actions/log.yaml", ConfigFixtures.NoopAction);
        _config.Write("etc/jail.yaml", """
            jails:
              sshd: { enabled: true, maxretry: 2 }
            """);

        var result = _config.Load();

        Assert.Empty(result.Errors);
        Assert.Equal(["apache", "sshd"], result.Config!.Jails.Select(j => j.Name));
        var sshd = Assert.Single(result.Config.EnabledJails);
        Assert.Equal(2, sshd.MaxRetry);
        Assert.Equal(["log"], sshd.Actions.Select(a => a.Name));
        Assert.Equal("sshd", sshd.Filter.Name);
    }

    [Fact]
    public void Filter_and_action_parameters_reach_the_jail()
    {
        _config.Write("etc/filters/sshd.yaml", """
            parameters: { mode: normal }
            failregex: ['Failed password for \S+ from <HOST>']
            """);
        _config.Write("etc/actions/fw.yaml", """
            parameters: { port: "0", proto: tcp }
            ban: [fw, add, "<ip>", "<port>", "<proto>"]
            unban: [fw, del, "<ip>", "<port>", "<proto>"]
            """);
        _config.Write("etc/jail.yaml", """
            jails:
              ssh:
                source: auth.log
                filter: { sshd: { mode: aggressive } }
                actions: [{ fw: { port: 22 } }]
            """);

        var result = _config.Load();

        Assert.Empty(result.Errors);
        var jail = Assert.Single(result.Config!.Jails);
        Assert.Equal("aggressive", jail.FilterParameters["mode"]);
        var action = Assert.Single(jail.Actions);
        Assert.Equal("22", action.Parameters["port"]);
        Assert.Equal("tcp", action.Parameters["proto"]);
    }

    [Fact]
    public void Errors_inside_filters_and_actions_are_collected_with_the_rest()
    {
        _config.Write("etc/filters/nohost.yaml", """
            failregex: ['Failed password for \S+']
            """);
        _config.Write("etc/actions/noop.yaml", ConfigFixtures.NoopAction);
        _config.Write("etc/jail.yaml", """
            jails:
              ssh:
                source: auth.log
                filter: nohost
                maxretry: 0
                actions: [{ noop: { nosuchparameter: 1 } }]
            """);

        var result = _config.Load();

        Assert.Null(result.Config);
        Assert.Contains(result.Errors, e => e.Field == "jails.ssh.maxretry");
        Assert.Contains(result.Errors, e => e.File.EndsWith("nohost.yaml", StringComparison.Ordinal) && e.Jail == "ssh");
        Assert.Contains(result.Errors, e => e.Message.Contains("nosuchparameter", StringComparison.Ordinal));
    }

    [Fact]
    public void A_broken_filter_file_is_reported_once_however_many_jails_use_it()
    {
        var broken = _config.Write("etc/filters/broken.yaml", """
            failregex: ['from <HOST>']
            nosuchkey: 1
            """);
        _config.Write("etc/actions/log.yaml", ConfigFixtures.NoopAction);
        _config.Write("etc/jail.yaml", """
            jails:
              a: { source: a.log, filter: broken }
              b: { source: b.log, filter: broken }
            """);

        var result = _config.Load();

        var error = Assert.Single(result.Errors, e => e.File == broken);
        Assert.Contains("nosuchkey", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_disabled_shipped_jail_with_a_missing_filter_does_not_block()
    {
        _config.Write("shipped/jails/apache.yaml", """
            jails:
              apache: { source: /var/log/apache2/error.log, filter: apache-auth }
            """);
        _config.Write("shipped/filters/sshd.yaml", ConfigFixtures.SshdFilter);
        _config.Write("shipped/actions/log.yaml", ConfigFixtures.NoopAction);
        _config.Write("etc/jail.yaml", """
            jails:
              ssh: { source: auth.log, filter: sshd }
            """);

        var result = _config.Load();

        Assert.Empty(result.Errors);
        Assert.Equal([("apache", false), ("ssh", true)], result.Config!.Jails.Select(j => (j.Name, j.Enabled)));
    }
}
