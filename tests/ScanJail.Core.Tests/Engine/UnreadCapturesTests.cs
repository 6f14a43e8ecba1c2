using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Engine;
using ScanJail.Core.Filtering;
using ScanJail.Core.Jails;
using ScanJail.Core.Reports;
using ScanJail.Core.Tests.Configuration;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Engine;

/// <summary>
/// A jail whose actions read no captures (none, or only the log action) gets a filter that makes none
/// (<see cref="Jail.ActionsReadFields"/>, <see cref="JailBuilder"/>): its failures are otherwise the same;
/// a jail with a command (captures in its environment and tags) keeps them, and so does a jail whose
/// captures feed the scan report.
/// </summary>
public sealed class UnreadCapturesTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Pieces = ["Failed password for ", "invalid user ", " from ", "198.18.0.1", " port ", "22", " ssh2", "attackalert: ", "\uFFFD", " ", "x"];
    private readonly TempConfigDirectory _config = new();

    [Fact]
    public void A_jail_whose_actions_read_no_captures_gets_the_same_failures_without_them()
    {
        var jails = Build("""
              quiet: { source: { file: /var/log/auth.log }, filter: sshd, actions: [] }
              logged: { source: { file: /var/log/auth.log }, filter: sshd, actions: [log] }
              reader: { source: { file: /var/log/auth.log }, filter: sshd, actions: [user] }
            """);
        var (quiet, logged, reader) = (jails["quiet"], jails["logged"], jails["reader"]);
        Assert.False(Jail.ActionsReadFields(quiet.Config.Actions) || Jail.ActionsReadFields(logged.Config.Actions));
        Assert.True(Jail.ActionsReadFields(reader.Config.Actions));

        var samples = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "filters", "samples"), "*.log")
            .SelectMany(File.ReadAllLines).Where(l => !l.StartsWith('#') && l.Length > 0).ToArray();
        var withFields = samples.Count(line => reader.Filter.Match(line, Now).Fields is { Count: > 0 });
        Assert.True(withFields > 10, $"only {withFields} sample lines gave captures: the comparison would be of nothing");
        foreach (var line in samples)
        {
            Assert.True(SameWithoutFields(reader.Filter, quiet.Filter, line), line);
            Assert.True(SameWithoutFields(reader.Filter, logged.Filter, line), line);
        }
        var edited = Gen.Elements(samples).SelectMany(line => Gen.Choose(0, line.Length).SelectMany(at => Gen.Elements(Pieces).Select(piece => line.Insert(at, piece))));
        Prop.ForAll(edited.ToArbitrary(), line => SameWithoutFields(reader.Filter, quiet.Filter, line)).QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task A_jail_whose_action_quotes_a_capture_gets_it_in_the_action()
    {
        var jail = Build("""
              reader: { source: { file: /var/log/auth.log }, filter: sshd, actions: [user] }
            """)["reader"];
        var found = jail.Filter.Match("Nov 21 10:00:01 host sshd[123]: Failed password for invalid user alice from 203.0.113.9 port 52144 ssh2".AsSpan(), Now);
        Assert.Equal(MatchOutcome.Matched, found.Outcome);
        var ban = new Ban("reader", IPAddress.Parse("203.0.113.9"), Now, null, 1, 1, found.Fields!);
        var output = Path.Combine(_config.Root, "users.out");
        try
        {
            jail.Actions.Single().Enqueue(ActionVerb.Ban, ban);
            await PollAsync(() => File.Exists(output) && File.ReadAllText(output).Contains("203.0.113.9 alice 52144", StringComparison.Ordinal));
        }
        finally
        {
            await jail.Actions.Single().DisposeAsync();
        }
    }

    [Fact]
    public void A_jail_whose_captures_feed_the_scan_report_keeps_them_without_actions()
    {
        _config.Write("etc/filters/portlog.yaml", """
            failregex: ['^refused (?<proto>\w+) port (?<port>\d+) from <HOST>$']
            """);
        var jails = Build("""
              alerts: { source: { file: /var/log/syslog }, filter: attackalert, actions: [] }
              ports: { source: { file: /var/log/ports.log }, filter: portlog, actions: [] }
            """);
        var ledger = new ScanLedger();
        foreach (var (jail, line) in new[]
        {
            ("alerts", "2026-11-21T05:20:38.260571+00:00 vm portsentry[12075]: attackalert: TCP SYN/Normal scan from host: 192.0.2.2/192.0.2.2 to TCP port: 443"),
            ("ports", "refused udp port 53 from 192.0.2.3"),
        })
        {
            var found = jails[jail].Filter.Match(line, Now);
            Assert.Equal(MatchOutcome.Matched, found.Outcome);
            Assert.True(found.Fields is { Count: > 0 }, $"{jail}: no captures");
            ledger.Record(new Failure(jail, found.Address!, Now, found.Fields!, "", null));
        }
        var report = ledger.Report(Now.AddHours(-1), Now, _ => null, 10);
        Assert.Equal(2, ledger.Count);
        Assert.Contains(report.Sources, s => s.Address == "192.0.2.2" && s.Ports == "443");
        Assert.Contains(report.Sources, s => s.Address == "192.0.2.3" && s.Ports == "53" && s.Protocols.Contains("udp"));
    }

    public void Dispose() => _config.Dispose();

    private Dictionary<string, Jail> Build(string jails)
    {
        var output = Path.Combine(_config.Root, "users.out");
        // Quotes the capture as a separate argument, never inside the shell code.
        _config.Write("etc/actions/user.yaml", $$"""
            ban: [sh, -c, 'echo "$1 $2 $SCANJAIL_F_SPORT" >> "$3"', sh, "<ip>", "<user>", "{{output}}"]
            """);
        _config.Write("etc/jail.yaml", "jails:\n" + jails);
        var loaded = _config.Load(RepositoryRoot.Path);
        Assert.True(loaded.Config is not null, string.Join("\n", loaded.Errors));
        return loaded.Config.EnabledJails.ToDictionary(c => c.Name,
            c => JailBuilder.Build(c, null, TimeProvider.System, NullLoggerFactory.Instance));
    }

    /// <summary>The same answer but for the captures, which the second filter never makes.</summary>
    private static bool SameWithoutFields(IFilter kept, IFilter dropped, string line)
    {
        var a = kept.Match(line.AsSpan(), Now);
        var b = dropped.Match(line.AsSpan(), Now);
        return a.Outcome == b.Outcome && Equals(a.Address, b.Address) && a.RawHost == b.RawHost && a.Time == b.Time
            && b.Fields is null or { Count: 0 };
    }

    private static async Task PollAsync(Func<bool> done)
    {
        for (var waited = 0; !done(); waited += 20)
        {
            Assert.True(waited < 15_000, "the action did not write the capture");
            await Task.Delay(20);
        }
    }
}
