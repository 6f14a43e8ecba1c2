using ScanJail.Core.Configuration;

namespace ScanJail.Core.Tests.Configuration;

/// <summary>
/// How files stack: shipped jails/*.yaml, then DIR/jails/*.yaml, then DIR/jail.yaml, key by key.
/// Jails here stay disabled (or name missing filters), so the filter and action loaders are not needed.
/// </summary>
public sealed class ConfigLayeringTests : IDisposable
{
    private readonly TempConfigDirectory _config = new();

    public void Dispose() => _config.Dispose();

    private void WriteShippedSshd(string shippedFolder = "shipped", int maxretry = 5) =>
        _config.Write($"{shippedFolder}/jails/sshd.yaml", $"""
            jails:
              sshd:
                source: auth.log
                filter: sshd
                findtime: 1h
                maxretry: {maxretry}
            """);

    [Fact]
    public void A_shipped_jail_is_off_until_enabled()
    {
        WriteShippedSshd();
        _config.Write("etc/jail.yaml", "");
        var jail = Assert.Single(_config.Load().Config!.Jails);
        Assert.Equal("sshd", jail.Name);
        Assert.False(jail.Enabled);
        Assert.Equal("sshd", jail.Filter.Name);
        // Relative paths are relative to the configuration directory, wherever the jail was written.
        Assert.Equal([new FileSourceConfig(Path.Combine(_config.Dir, "auth.log"))], jail.Sources);
    }

    [Fact]
    public void Later_files_override_earlier_ones_key_by_key()
    {
        WriteShippedSshd();
        _config.Write("etc/jails/sshd-local.yaml", """
            jails:
              sshd: { maxretry: 4, bantime: 1d }
            """);
        _config.Write("etc/jail.yaml", """
            jails:
              sshd: { enabled: false, bantime: 2h }
            """);
        var jail = Assert.Single(_config.Load().Config!.Jails);
        Assert.Equal(4, jail.MaxRetry);
        Assert.Equal(TimeSpan.FromHours(1), jail.FindTime);
        Assert.Equal(TimeSpan.FromHours(2), jail.BanTime.Base);
        Assert.Equal("sshd", jail.Filter.Name);
    }

    [Fact]
    public void A_jail_key_from_any_file_beats_the_defaults()
    {
        WriteShippedSshd();
        _config.Write("etc/jail.yaml", """
            defaults:
              maxretry: 3
              findtime: 2h
              bantime: 30m
            """);
        var jail = Assert.Single(_config.Load().Config!.Jails);
        Assert.Equal(5, jail.MaxRetry);
        Assert.Equal(TimeSpan.FromHours(1), jail.FindTime);
        Assert.Equal(TimeSpan.FromMinutes(30), jail.BanTime.Base);
    }

    [Fact]
    public void The_first_shipped_set_wins_over_later_ones()
    {
        WriteShippedSshd("first", maxretry: 1);
        WriteShippedSshd("second", maxretry: 2);
        _config.Write("etc/jail.yaml", "");
        var jail = Assert.Single(_config.Load(Path.Combine(_config.Root, "first"), Path.Combine(_config.Root, "second")).Config!.Jails);
        Assert.Equal(1, jail.MaxRetry);
    }

    [Fact]
    public void Naming_a_shipped_jail_in_jail_yaml_enables_it()
    {
        WriteShippedSshd();
        _config.Write("etc/jail.yaml", """
            jails:
              sshd:
            """);
        // Enabled, so its filter and actions are resolved: the errors show it, pointing at where each was named
        // (the default action 'log' at the jail in the last file that names it).
        Assert.Equal(
            [
                (Path.Combine(_config.Dir, "jail.yaml"), 2, 3, "jails.sshd.actions (default)"),
                (Path.Combine(_config.Shipped, "jails", "sshd.yaml"), 4, 13, "jails.sshd.filter"),
            ],
            _config.Load().Errors.Select(e => (e.File, e.Line, e.Column, e.Field)));
    }

    [Theory]
    [InlineData("defaults: { enabled: true }")]
    [InlineData("jails: { sshd: { enabled: true } }")]
    public void Enabled_may_come_from_the_defaults_or_the_jail(string jailYaml)
    {
        WriteShippedSshd();
        _config.Write("etc/jail.yaml", jailYaml);
        var errors = _config.Load().Errors;
        Assert.Contains(errors, e => e.Message.StartsWith("filter 'sshd' not found", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.StartsWith("action 'log' not found", StringComparison.Ordinal));
    }

    [Fact]
    public void A_jail_file_in_DIR_jails_is_off_unless_it_says_enabled()
    {
        _config.Write("etc/jails/a.yaml", """
            jails:
              a: { filter: nosuch, source: a.log }
              b: { filter: nosuch, source: b.log, enabled: true }
            """);
        _config.Write("etc/jail.yaml", "");
        Assert.Equal(["b", "b"], _config.Load().Errors.Select(e => e.Jail));
    }

    [Fact]
    public void Defaults_saying_disabled_keep_a_jail_yaml_jail_off()
    {
        _config.Write("etc/jail.yaml", """
            defaults: { enabled: false }
            jails:
              ssh: { filter: nosuch, source: a.log }
            """);
        Assert.False(Assert.Single(_config.Load().Config!.Jails).Enabled);
    }

    [Fact]
    public void A_disabled_shipped_jail_is_still_checked_for_structure()
    {
        _config.Write("shipped/jails/broken.yaml", """
            jails:
              broken:
                maxretry: lots
            """);
        _config.Write("etc/jail.yaml", "");
        var error = Assert.Single(_config.Load().Errors);
        Assert.Equal((Path.Combine(_config.Shipped, "jails", "broken.yaml"), "jails.broken.maxretry", 3),
            (error.File, error.Field, error.Line));
    }

    [Fact]
    public void A_shipped_set_without_folders_is_fine()
    {
        _config.Write("etc/jail.yaml", "");
        var result = _config.Load(Path.Combine(_config.Root, "does-not-exist"));
        Assert.Empty(result.Errors);
    }
}
