using ScanJail.Core.Jails;
using ScanJail.Core.Tests.Configuration;

namespace ScanJail.Core.Tests.Jails;

/// <summary>A jail keeps the lines that lead to a ban only when one of its actions can quote them.</summary>
public sealed class KeepsLinesTests
{
    [Fact]
    public void Only_notifications_and_templates_with_matches_keep_lines()
    {
        using var dir = new TempConfigDirectory();
        dir.Write("shipped/actions/noop.yaml", ConfigFixtures.NoopAction);
        dir.Write("shipped/actions/quote.yaml", """
            ban: [logger, "-t", scanjail, "<ip>: <matches>"]
            unban: ["true"]
            """);
        dir.Write("shipped/actions/quote-by-parameter.yaml", """
            parameters: { text: "banned after <matches>" }
            ban: [logger, "<text>"]
            unban: ["true"]
            """);
        dir.Write("shipped/filters/f.yaml", ConfigFixtures.SshdFilter);
        var repo = ScanJail.Tests.Support.RepositoryRoot.Path;
        File.Copy(Path.Combine(repo, "actions", "log.yaml"), Path.Combine(dir.Shipped, "actions", "log.yaml"));
        File.Copy(Path.Combine(repo, "actions", "mail.yaml"), Path.Combine(dir.Shipped, "actions", "mail.yaml"));
        dir.Write("etc/jail.yaml", """
            jails:
              plain: { source: /var/log/a.log, filter: f, actions: [noop, log] }
              mailed: { source: /var/log/a.log, filter: f, actions: [noop, mail] }
              quoted: { source: /var/log/a.log, filter: f, actions: [quote] }
              parameter: { source: /var/log/a.log, filter: f, actions: [quote-by-parameter] }
            """);
        var loaded = dir.Load();
        Assert.True(loaded.Config is not null, string.Join("\n", loaded.Errors));
        var keeps = loaded.Config!.Jails.ToDictionary(j => j.Name, j => new Jail(j, null!, []).KeepsLines);

        Assert.False(keeps["plain"]);
        Assert.True(keeps["mailed"]);
        Assert.True(keeps["quoted"]);
        Assert.True(keeps["parameter"]);
    }
}
