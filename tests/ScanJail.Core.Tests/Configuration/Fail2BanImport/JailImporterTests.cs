using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;
using ScanJail.Core.Configuration.Fail2BanImport;
using ScanJail.Core.Net;
using ScanJail.Core.Time;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Configuration.Fail2BanImport;

/// <summary>
/// <c>scanjail import-fail2ban</c> on a copy of the Debian package's /etc/fail2ban with a test
/// jail.local: the written jail.yaml loads, and carries fail2ban's values.
/// </summary>
public sealed class JailImporterTests
{
    [Fact]
    public void The_written_jail_yaml_loads_and_every_enabled_jail_resolves_with_fail2bans_filters()
    {
        using var copy = new Fail2BanCopy();
        var result = JailImporter.Import(copy.Dir, [copy.Config.Shipped]);
        copy.Config.Write("etc/jail.yaml", result.Yaml);

        var loaded = copy.Config.Load();

        Assert.Empty(loaded.Errors);
        var jails = loaded.Config!.Jails.ToDictionary(j => j.Name);
        Assert.Equal(["nginx-http-auth", "postfix", "recidive", "sshd"], jails.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["nginx-http-auth", "recidive", "sshd"], loaded.Config.EnabledJails.Select(j => j.Name).Order(StringComparer.Ordinal));
        Assert.All(loaded.Config.EnabledJails, j => Assert.NotNull(j.Filter.Fail2Ban));
    }

    [Fact]
    public void The_jails_carry_fail2bans_values()
    {
        using var copy = new Fail2BanCopy();
        copy.Config.Write("etc/jail.yaml", JailImporter.Import(copy.Dir, [copy.Config.Shipped]).Yaml);
        var jails = copy.Config.Load().Config!.Jails.ToDictionary(j => j.Name);

        var sshd = jails["sshd"];
        Assert.Equal("/var/log/auth.log", Assert.IsType<FileSourceConfig>(Assert.Single(sshd.Sources)).Path);
        Assert.Equal("aggressive", sshd.Filter.Fail2Ban!.Parameters["mode"]);
        Assert.Equal(TimeSpan.FromMinutes(90), sshd.FindTime);
        Assert.Equal(3, sshd.MaxRetry);
        Assert.Equal(new BanTimePolicy(TimeSpan.FromHours(2), 2, TimeSpan.FromDays(2)), sshd.BanTime);
        Assert.Equal(Networks("127.0.0.0/8", "::1/128", "192.0.2.7/32", "198.51.100.0/24"), sshd.IgnoreIp.Select(n => n.ToString()));
        Assert.True(sshd.IgnoreSelf);
        Assert.Equal("log", Assert.Single(sshd.Actions).Name);

        var nginx = jails["nginx-http-auth"];
        Assert.Equal("/var/log/nginx/*error.log", Assert.IsType<FileSourceConfig>(Assert.Single(nginx.Sources)).Path);
        Assert.Empty(nginx.Filter.Fail2Ban!.Parameters);
        Assert.Equal(TimeSpan.FromMinutes(10), nginx.FindTime);
        Assert.Equal(5, nginx.MaxRetry);
        Assert.Equal(new BanTimePolicy(TimeSpan.FromHours(36), 2, TimeSpan.FromDays(7)), nginx.BanTime);

        var recidive = jails["recidive"];
        Assert.Equal("/var/log/fail2ban.log", Assert.IsType<FileSourceConfig>(Assert.Single(recidive.Sources)).Path);
        Assert.Equal(TimeSpan.FromDays(2), recidive.FindTime);
        Assert.Null(recidive.BanTime.Base);
        Assert.Equal(Networks("203.0.113.0/24", "2001:db8::/32"), recidive.IgnoreIp.Select(n => n.ToString()));
        Assert.False(recidive.IgnoreSelf);
        Assert.Equal(DnsMode.No, recidive.UseDns);
        Assert.Equal(DnsMode.Warn, sshd.UseDns);

        Assert.False(jails["postfix"].Enabled);
    }

    [Fact]
    public void What_is_not_translated_is_listed()
    {
        using var copy = new Fail2BanCopy();
        var result = JailImporter.Import(copy.Dir, [copy.Config.Shipped]);

        Golden.Verify(string.Concat(result.Untranslated.Select(u => u + "\n")), "JailImporterTests.Untranslated");
        Assert.Contains(result.Untranslated, u => u.StartsWith("postfix: backend = systemd", StringComparison.Ordinal));
        Assert.Contains(result.Untranslated, u => u.StartsWith("sshd: ignoreip example.org", StringComparison.Ordinal));
        Assert.Contains(result.Untranslated, u => u.StartsWith("nginx-http-auth: bantime.factor = 3", StringComparison.Ordinal));
        Assert.Contains(result.Untranslated, u => u.StartsWith("nginx-http-auth: ignorecommand", StringComparison.Ordinal));
        Assert.Contains(result.Untranslated, u => u.StartsWith("recidive: action iptables-allports", StringComparison.Ordinal));
        // Each item is also a comment in the file.
        Assert.All(result.Untranslated, u => Assert.Contains("#   " + u, result.Yaml, StringComparison.Ordinal));
    }

    [Fact]
    public void The_written_yaml_for_a_fixed_input_is_stable()
    {
        using var copy = new Fail2BanCopy();
        var yaml = JailImporter.Import(copy.Dir, [copy.Config.Shipped]).Yaml;

        Golden.Verify(yaml.Replace(copy.Dir, "FAIL2BAN", StringComparison.Ordinal), "JailImporterTests.JailYaml");
    }

    [Fact]
    public void A_shipped_action_of_the_same_family_replaces_a_fail2ban_action()
    {
        using var copy = new Fail2BanCopy();
        copy.Config.Write("shipped/actions/iptables.yaml", ConfigFixtures.NoopAction);

        var result = JailImporter.Import(copy.Dir, [copy.Config.Shipped]);

        var sshd = result.Jails.Single(j => j.Name == "sshd");
        Assert.Equal("iptables", Assert.Single(sshd.Actions).Name);
        Assert.Contains("- iptables   # replaces fail2ban's iptables-multiport[", result.Yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("600", "10m")]
    [InlineData("10m", "10m")]
    [InlineData("1h", "1h")]
    [InlineData("1h 30m", "1h30m")]
    [InlineData("1d12h", "1d12h")]
    [InlineData("1hour+30min", "1h30m")]
    [InlineData("3600*24", "1d")]
    [InlineData("2w", "2w")]
    [InlineData("-1", "permanent")]
    public void Fail2ban_times_are_converted(string fail2ban, string scanjail)
    {
        Assert.True(Fail2BanDuration.TryParse(fail2ban, out var duration));
        Assert.Equal(scanjail, BanTimeText.Format(duration));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten minutes")]
    [InlineData("0")]
    [InlineData("1x")]
    public void Other_text_is_not_a_time(string text) => Assert.False(Fail2BanDuration.TryParse(text, out _));

    private static string[] Networks(params string[] cidrs) =>
        [.. cidrs.Select(c => IpNetwork.TryParse(c, out var n) ? n!.ToString() : c)];
}
