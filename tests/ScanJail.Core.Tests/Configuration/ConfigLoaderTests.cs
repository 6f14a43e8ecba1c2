using ScanJail.Core.Configuration;

namespace ScanJail.Core.Tests.Configuration;

/// <summary>
/// Structure and value checks. These jails are disabled or name filters and actions that do not
/// exist, so nothing here depends on the filter and action loaders.
/// </summary>
public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TempConfigDirectory _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void A_missing_directory_is_one_error()
    {
        var missing = Path.Combine(_config.Root, "nope");
        var result = ConfigLoader.Load(missing, []);
        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors);
        Assert.Equal(missing, error.File);
        Assert.Equal("directory", error.Field);
        Assert.Contains("-c DIR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_jail_yaml_is_an_error()
    {
        var result = _config.Load();
        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors);
        Assert.Equal(Path.Combine(_config.Dir, "jail.yaml"), error.File);
        Assert.Contains("jail.yaml is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_jail_yaml_is_a_configuration_without_jails()
    {
        _config.Write("etc/jail.yaml", "");
        var result = _config.Load();
        Assert.Empty(result.Errors);
        Assert.Equal(_config.Dir, result.Config!.Directory);
        Assert.Empty(result.Config.Jails);
    }

    [Fact]
    public void A_disabled_jail_keeps_its_settings_and_its_filter_is_not_loaded()
    {
        _config.Write("etc/jail.yaml", """
            jails:
              web:
                enabled: false
                source: [access.log, /var/log/nginx/*.log, { file: "/srv/log/app-[0-9].log", from: start, maxline: 4096 }]
                filter: { nowhere: { mode: aggressive } }
                findtime: 1h30m
                maxretry: 7
                bantime: { base: 1h, increment: { factor: 3, maxtime: 2d } }
                ignoreip: [192.0.2.0/24, "2001:db8::/32"]
                ignoreself: false
                actions: [missing-action, { other: { port: 22 } }]
            """);
        var result = _config.Load();
        Assert.Empty(result.Errors);
        var jail = Assert.Single(result.Config!.Jails);
        Assert.Equal("web", jail.Name);
        Assert.False(jail.Enabled);
        Assert.Empty(result.Config.EnabledJails);
        Assert.Equal(
            [
                new FileSourceConfig(Path.Combine(_config.Dir, "access.log")),
                new FileSourceConfig("/var/log/nginx/*.log"),
                new FileSourceConfig("/srv/log/app-[0-9].log", FromStart: true, MaxLineLength: 4096),
            ],
            jail.Sources);
        Assert.Equal("nowhere", jail.Filter.Name);
        Assert.Equal("", jail.Filter.File);
        Assert.Equal("aggressive", jail.FilterParameters["mode"]);
        Assert.Equal(TimeSpan.FromMinutes(90), jail.FindTime);
        Assert.Equal(7, jail.MaxRetry);
        Assert.Equal(new ScanJail.Core.Bans.BanTimePolicy(TimeSpan.FromHours(1), 3, TimeSpan.FromDays(2)), jail.BanTime);
        Assert.Equal(["192.0.2.0/24", "2001:db8::/32"], jail.IgnoreIp.Select(n => n.ToString()));
        Assert.False(jail.IgnoreSelf);
        Assert.Equal(["missing-action", "other"], jail.Actions.Select(a => a.Name));
        Assert.Equal("22", jail.Actions[1].Parameters["port"]);
    }

    [Fact]
    public void Built_in_defaults_fill_what_nobody_sets()
    {
        _config.Write("etc/jail.yaml", """
            jails:
              quiet: { enabled: false }
            """);
        var jail = Assert.Single(_config.Load().Config!.Jails);
        Assert.Equal(TimeSpan.FromMinutes(10), jail.FindTime);
        Assert.Equal(5, jail.MaxRetry);
        Assert.Equal(TimeSpan.FromMinutes(10), jail.BanTime.Base);
        Assert.Equal(["127.0.0.0/8", "::1/128"], jail.IgnoreIp.Select(n => n.ToString()));
        Assert.True(jail.IgnoreSelf);
        Assert.Equal(["log"], jail.Actions.Select(a => a.Name));
        Assert.Empty(jail.Sources);
    }

    [Fact]
    public void Defaults_apply_to_every_jail_and_a_jail_key_beats_them()
    {
        _config.Write("etc/jail.yaml", """
            defaults:
              findtime: 1h
              maxretry: 2
              bantime: permanent
              ignoreip: 10.0.0.0/8
              ignoreself: false
              actions: []
            jails:
              a: { enabled: false }
              b: { enabled: false, maxretry: 9, bantime: -1, ignoreip: [] }
            """);
        var jails = _config.Load().Config!.Jails;
        Assert.Equal(["a", "b"], jails.Select(j => j.Name));
        var (a, b) = (jails[0], jails[1]);
        Assert.Equal(TimeSpan.FromHours(1), a.FindTime);
        Assert.Equal(2, a.MaxRetry);
        Assert.Null(a.BanTime.Base);
        Assert.Equal(["10.0.0.0/8"], a.IgnoreIp.Select(n => n.ToString()));
        Assert.False(a.IgnoreSelf);
        Assert.Empty(a.Actions);
        Assert.Equal(9, b.MaxRetry);
        Assert.Null(b.BanTime.Base);
        Assert.Empty(b.IgnoreIp);
        Assert.Equal(TimeSpan.FromHours(1), b.FindTime);
    }

    [Fact]
    public void A_jail_written_in_jail_yaml_is_enabled_unless_it_says_otherwise()
    {
        // Enabled means its filter is looked up: the not-found error proves it, and names both places.
        _config.Write("etc/jail.yaml", """
            jails:
              ssh:
                source: auth.log
                filter: nosuch
                actions: []
            """);
        var result = _config.Load();
        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors);
        Assert.Equal("ssh", error.Jail);
        Assert.Equal("jails.ssh.filter", error.Field);
        Assert.Equal((4, 13), (error.Line, error.Column));
        Assert.Contains(
            $"looked for {_config.Dir}/filters/nosuch.yaml, {_config.Shipped}/filters/nosuch.yaml",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void An_enabled_jail_needs_a_source_and_a_filter()
    {
        _config.Write("etc/jail.yaml", """
            jails:
              bare:
                enabled: true
                actions: []
            """);
        var result = _config.Load();
        Assert.Equal(
            [("jails.bare.filter", 2, 3), ("jails.bare.source", 2, 3)],
            result.Errors.Select(e => (e.Field, e.Line, e.Column)).Order());
    }

    [Fact]
    public void Defaults_may_not_name_a_source_or_filter()
    {
        _config.Write("etc/jail.yaml", """
            defaults:
              source: /var/log/auth.log
              filter: sshd
            """);
        var result = _config.Load();
        Assert.Equal(["defaults.filter", "defaults.source"], result.Errors.Select(e => e.Field).Order());
        Assert.All(result.Errors, e => Assert.Contains("move", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_keys_are_errors_that_list_the_known_ones()
    {
        _config.Write("etc/jail.yaml", """
            defualts: {}
            jails:
              ssh:
                enabled: false
                maxretries: 3
                source: { kafka: { port: 514 } }
            """);
        var result = _config.Load();
        Assert.Null(result.Config);
        Assert.Collection(result.Errors,
            e =>
            {
                Assert.Equal(("defualts", 1, 1, (string?)null), (e.Field, e.Line, e.Column, e.Jail));
                Assert.Contains("known keys here: defaults, jails", e.Message, StringComparison.Ordinal);
            },
            e =>
            {
                Assert.Equal(("jails.ssh.maxretries", 5, 5, "ssh"), (e.Field, e.Line, e.Column, e.Jail));
                Assert.Contains("maxretry", e.Message, StringComparison.Ordinal);
            },
            e =>
            {
                Assert.Equal(("jails.ssh.source.kafka", 6, 15), (e.Field, e.Line, e.Column));
                Assert.Contains("known keys here: file, from, maxline", e.Message, StringComparison.Ordinal);
            });
    }

    [Fact]
    public void A_jails_yaml_file_may_not_hold_defaults()
    {
        _config.Write("etc/jail.yaml", "");
        _config.Write("etc/jails/extra.yaml", """
            defaults: { maxretry: 2 }
            """);
        var error = Assert.Single(_config.Load().Errors);
        Assert.Equal((Path.Combine(_config.Dir, "jails", "extra.yaml"), "defaults"), (error.File, error.Field));
    }

    [Fact]
    public void Every_error_is_collected_at_once_with_line_and_column()
    {
        _config.Write("etc/jail.yaml", """
            defaults:
              maxretry: 0
            jails:
              one:
                enabled: false
                findtime: soon
                ignoreip: [127.0.0.1, not-an-ip, "::1", 300.1.1.1]
              two:
                enabled: false
                bantime: { base: 1h, increment: { factor: x, maxtime: y } }
            """);
        var result = _config.Load();
        Assert.Null(result.Config);
        Assert.Equal(
            [
                (2, 13, "defaults.maxretry"),
                (6, 15, "jails.one.findtime"),
                (7, 27, "jails.one.ignoreip"),
                (7, 45, "jails.one.ignoreip"),
                (10, 47, "jails.two.bantime.increment.factor"),
                (10, 59, "jails.two.bantime.increment.maxtime"),
            ],
            result.Errors.Select(e => (e.Line, e.Column, e.Field)));
    }

    [Fact]
    public void Broken_yaml_is_reported_with_its_position()
    {
        _config.Write("etc/jail.yaml", """
            jails:
              ssh: { enabled: false
            """);
        var error = Assert.Single(_config.Load().Errors);
        Assert.Equal("yaml", error.Field);
        Assert.True(error.Line >= 2, error.ToString());
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_jail_name_must_be_plain()
    {
        _config.Write("etc/jail.yaml", """
            jails:
              "my jail": { enabled: false }
            """);
        var error = Assert.Single(_config.Load().Errors);
        Assert.Contains("not a valid jail name", error.Message, StringComparison.Ordinal);
        Assert.Equal((2, 3), (error.Line, error.Column));
    }

    [Fact]
    public void A_key_written_twice_is_reported()
    {
        _config.Write("etc/jail.yaml", """
            jails:
              ssh:
                enabled: false
                enabled: true
            """);
        var error = Assert.Single(_config.Load().Errors);
        Assert.Equal(("yaml", 4), (error.Field, error.Line));
    }
}
