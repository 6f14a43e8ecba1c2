using System.Threading.Channels;
using ScanJail.Core.Filtering;
using ScanJail.Core.Jails;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Engine;

/// <summary>
/// Runs the filters of every jail that reads one source over its lines and sends failures to the
/// engine loop. Positions travel behind the failures of their line, so the loop never saves a
/// position past a failure it has not counted.
/// </summary>
internal sealed class LineRouter(IReadOnlyList<JailRoute> routes, ChannelWriter<EngineMessage> inbox, EngineCounters counters, TimeProvider time, bool replay)
{
    private const int PositionEvery = 512;
    private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

    /// <summary>Routes until <paramref name="lines"/> completes (its source stopped), then sends the last position.</summary>
    public async Task RunAsync(ChannelReader<LogLine> lines)
    {
        FilePosition? pending = null;
        var sincePosition = 0;
        var failures = new List<Failure>(2);
        while (await lines.WaitToReadAsync(CancellationToken.None))
        {
            while (lines.TryRead(out var line))
            {
                Route(line, failures);
                for (var i = 0; i < failures.Count; i++)
                {
                    var last = i == failures.Count - 1;
                    await inbox.WriteAsync(new FailureFound(failures[i], last ? line.Position : null), CancellationToken.None);
                }
                if (line.Position is { } position)
                {
                    pending = failures.Count > 0 ? null : position;
                    sincePosition = failures.Count > 0 ? 0 : sincePosition + 1;
                }
                failures.Clear();
                if (pending is not null && (sincePosition >= PositionEvery || lines.Count == 0))
                {
                    await inbox.WriteAsync(new PositionReached(pending), CancellationToken.None);
                    pending = null;
                    sincePosition = 0;
                }
            }
        }
        if (pending is not null)
        {
            await inbox.WriteAsync(new PositionReached(pending), CancellationToken.None);
        }
    }

    private void Route(LogLine line, List<Failure> failures)
    {
        counters.LinesRead.Increment();
        var matched = false;
        var ignored = false;
        foreach (var route in routes)
        {
            var result = route.Filter.Match(line.Text, line.ReadAt);
            switch (result.Outcome)
            {
                case MatchOutcome.Ignored:
                    ignored = true;
                    continue;
                case MatchOutcome.Missed:
                    continue;
            }
            matched = true;
            if (result.Address is null)
            {
                counters.FailuresNotAnAddress.Increment();
                continue;
            }
            var at = result.Time ?? line.ReadAt;
            // Like fail2ban: outside replay, a line older than findtime cannot count any more.
            if (!replay && at < time.GetUtcNow() - route.FindTime)
            {
                counters.FailuresTooOld.Increment();
                continue;
            }
            failures.Add(new Failure(route.Jail, result.Address, at, result.Fields ?? NoFields, line.Text, line.Origin));
        }
        (matched ? counters.LinesMatched : ignored ? counters.LinesIgnored : counters.LinesMissed).Increment();
    }
}
