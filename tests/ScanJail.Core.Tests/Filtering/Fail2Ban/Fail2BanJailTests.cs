using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Core.Tests.Configuration;

namespace ScanJail.Core.Tests.Filtering.Fail2Ban;

/// <summary>A jail naming a fail2ban filter file from the installed fail2ban package (read only).</summary>
public sealed class Fail2BanJailTests
{
    private const string Line = "Aug 14 11:59:58 host sshd[1234]: Failed password for root from 198.51.100.7 port 4242 ssh2";

    [Fact]
    public void A_jail_runs_fail2bans_sshd_filter_with_parameters()
    {
        using var dir = new TempConfigDirectory();
        dir.Write("shipped/actions/log.yaml", ConfigFixtures.NoopAction);
        dir.Write("etc/jail.yaml", """
            jails:
              ssh:
                source: /var/log/auth.log
                filter: "fail2ban:sshd[mode=aggressive]"
                actions: [log]
            """);
        var result = dir.Load();
        Assert.Empty(result.Errors);
        var jail = result.Config!.Jails.Single();
        var filter = FilterFactory.Create(jail.Filter, jail.FilterParameters, new ConfigErrors(), jail.Name);
        Assert.NotNull(filter);
        var match = filter!.Match(Line, DateTimeOffset.Parse("2026-08-14T12:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(MatchOutcome.Matched, match.Outcome);
        Assert.Equal("198.51.100.7", match.Address!.ToString());
        Assert.Equal("root", match.Fields!["user"]);
    }

    [Fact]
    public void Unknown_filter_and_unknown_parameter_are_configuration_errors()
    {
        using var dir = new TempConfigDirectory();
        dir.Write("shipped/actions/log.yaml", ConfigFixtures.NoopAction);
        dir.Write("etc/jail.yaml", """
            jails:
              a:
                source: /var/log/auth.log
                filter: "fail2ban:no-such-filter"
                actions: [log]
              b:
                source: /var/log/auth.log
                filter: "fail2ban:sshd[nosuchoption=1]"
                actions: [log]
            """);
        var errors = dir.Load().Errors;
        Assert.Contains(errors, e => e.Jail == "a" && e.Message.Contains("no-such-filter.conf", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Jail == "b" && e.Message.Contains("nosuchoption", StringComparison.Ordinal));
    }
}
