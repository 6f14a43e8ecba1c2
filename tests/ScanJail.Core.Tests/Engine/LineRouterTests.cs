using System.Threading.Channels;
using ScanJail.Core.Engine;
using ScanJail.Core.Filtering;
using ScanJail.Core.Sources;
using ScanJail.Core.Tests.Filtering;

namespace ScanJail.Core.Tests.Engine;

/// <summary>The router over real regex filters: jails that share a filter and its parameters share its answer.</summary>
public sealed class LineRouterTests : IDisposable
{
    private readonly FilterFiles _files = new();

    [Fact]
    public async Task Jails_with_the_same_filter_and_parameters_ask_it_once_per_line_and_each_counts()
    {
        var definition = _files.Load("auth", """
            failregex: ['^Failed ${mode} for \S+ from <HOST>']
            parameters: { mode: password }
            """)!;
        var options = new FilterOptions(TimeZoneInfo.Utc, TimeSpan.FromSeconds(30));
        Counted Build(Dictionary<string, string> parameters) => new(FilterFactory.Create(definition, parameters, _files.Errors, "j", options)!);
        var shared = Build([]);
        var sameAgain = Build([]);
        var other = Build(new() { ["mode"] = "publickey" });
        var routes = new[]
        {
            new JailRoute("count", shared, TimeSpan.FromHours(1), Key: new FilterKey(definition, FilterKey.Text(new Dictionary<string, string>()))),
            new JailRoute("recidive", sameAgain, TimeSpan.FromHours(1), Key: new FilterKey(definition, FilterKey.Text(new Dictionary<string, string>()))),
            new JailRoute("keys", other, TimeSpan.FromHours(1), Key: new FilterKey(definition, FilterKey.Text(new Dictionary<string, string> { ["mode"] = "publickey" }))),
        };
        var inbox = Channel.CreateUnbounded<EngineMessage>();
        var lines = Channel.CreateUnbounded<LogLine>();
        Assert.Equal(routes[0].Key, routes[1].Key);
        var router = new LineRouter(routes, inbox.Writer, new EngineCounters(), TimeProvider.System, replay: true);
        var running = router.RunAsync(lines.Reader);
        foreach (var text in new[] { "Failed password for root from 192.0.2.1", "Failed publickey for bob from 192.0.2.2", "noise" })
        {
            await lines.Writer.WriteAsync(new LogLine(text, "test", DateTimeOffset.UtcNow));
        }
        lines.Writer.Complete();
        await running;
        inbox.Writer.Complete();
        var failures = new List<(string Jail, string Address)>();
        await foreach (var message in inbox.Reader.ReadAllAsync())
        {
            if (message is FailuresFound found)
            {
                failures.AddRange(found.Failures.Select(f => (f.Jail, f.Address.ToString())));
            }
        }
        Assert.Equal([("count", "192.0.2.1"), ("recidive", "192.0.2.1"), ("keys", "192.0.2.2")], failures);
        Assert.Equal(3, shared.Calls);
        Assert.Equal(0, sameAgain.Calls);
        Assert.Equal(3, other.Calls);
    }

    [Fact]
    public async Task A_screened_line_counts_as_read_and_missed_without_asking_a_filter_and_its_position_is_saved()
    {
        var filter = new Counted(_files.CreateValid("""
            precheck: [Failed]
            failregex: ['^Failed password for \S+ from <HOST>']
            """));
        var counters = new EngineCounters();
        var inbox = Channel.CreateUnbounded<EngineMessage>();
        var lines = Channel.CreateUnbounded<LogLine>();
        var router = new LineRouter([new JailRoute("j", filter, TimeSpan.FromHours(1))], inbox.Writer, counters, TimeProvider.System, replay: true);
        var running = router.RunAsync(lines.Reader);
        var file = new FilePosition("/var/log/auth.log", 1, 2, 0);
        await lines.Writer.WriteAsync(new LogLine("Failed password for root from 192.0.2.1", "test", DateTimeOffset.UtcNow, file with { Offset = 40 }));
        await lines.Writer.WriteAsync(new LogLine("", "test", DateTimeOffset.UtcNow, file with { Offset = 46 }) { Screened = true });
        lines.Writer.Complete();
        await running;
        inbox.Writer.Complete();
        var messages = await inbox.Reader.ReadAllAsync().ToListAsync();
        Assert.Equal(1, filter.Calls);
        Assert.Equal((2, 1, 1), (counters.LinesRead.Value, counters.LinesMatched.Value, counters.LinesMissed.Value));
        Assert.Equal(46, messages.OfType<PositionReached>().Last().Position.Offset);
    }

    [Fact]
    public async Task A_jail_that_quotes_no_lines_gets_its_failures_without_the_line()
    {
        var filter = _files.CreateValid("""failregex: ['^Failed password for \S+ from <HOST>']""");
        var inbox = Channel.CreateUnbounded<EngineMessage>();
        var lines = Channel.CreateUnbounded<LogLine>();
        JailRoute[] routes = [new("quiet", filter, TimeSpan.FromHours(1), KeepsLines: false), new("mail", filter, TimeSpan.FromHours(1))];
        var router = new LineRouter(routes, inbox.Writer, new EngineCounters(), TimeProvider.System, replay: true);
        var running = router.RunAsync(lines.Reader);
        await lines.Writer.WriteAsync(new LogLine("Failed password for root from 192.0.2.1", "test", DateTimeOffset.UtcNow));
        lines.Writer.Complete();
        await running;
        inbox.Writer.Complete();
        var failures = (await inbox.Reader.ReadAllAsync().ToListAsync()).OfType<FailuresFound>().SelectMany(f => f.Failures).ToList();
        Assert.Equal(["quiet: 192.0.2.1 ''", "mail: 192.0.2.1 'Failed password for root from 192.0.2.1'"], failures.Select(f => $"{f.Jail}: {f.Address} '{f.Line}'"));
    }

    public void Dispose() => _files.Dispose();

    /// <summary>A real filter, with its calls counted.</summary>
    private sealed class Counted(IFilter inner) : IFilter
    {
        public int Calls { get; private set; }

        public string Name => inner.Name;

        public FilterResult Match(string line, DateTimeOffset now)
        {
            Calls++;
            return inner.Match(line, now);
        }
    }
}
