using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Core.Jails;
using ScanJail.Core.Net;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Engine;

/// <summary>
/// Runs the filters of every jail that reads one source over its lines and sends failures to the
/// engine loop. Positions travel behind the failures of their line, so the loop never saves a
/// position past a failure it has not counted. A host name captured by a filter follows the jail's
/// <c>usedns</c>: handed to <paramref name="resolver"/> (yes), or dropped and counted (no, warn).
/// </summary>
internal sealed class LineRouter(
    JailRoute[] routes, ChannelWriter<EngineMessage> inbox, EngineCounters counters, TimeProvider time, bool replay,
    HostResolver? resolver = null, ILogger? logger = null, ReadBurst? burst = null)
{
    private const int PositionEvery = 512;
    private const int MaxBatch = 256;
    private const int MaxWarnedNames = 10_000;
    private static readonly TimeSpan WarnEvery = TimeSpan.FromMinutes(1);
    private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();
    private readonly Dictionary<string, DateTimeOffset> _warned = new(StringComparer.OrdinalIgnoreCase);

    // For each route, the first route with the same filter key: its answer is this route's too.
    private readonly int[] _answeredBy = [.. routes.Select((route, i) =>
        route.Key is null ? i : Array.FindIndex(routes, 0, i + 1, other => Equals(other.Key, route.Key)))];

    // The current line's answer per route (the router reads one line at a time).
    private readonly FilterResult[] _answers = new FilterResult[routes.Length];

    /// <summary>Routes until <paramref name="lines"/> completes (its source stopped), then sends the last position.</summary>
    public async Task RunAsync(ChannelReader<LogLine> lines)
    {
        // The last line with a position none of whose failures is pending: its position is taken (an
        // allocation) only when it is sent, not for every line read.
        LogLine? pending = null;
        var sincePosition = 0;
        var failures = new List<Failure>(2);
        // The failures of the lines read so far, sent as one message when no line is waiting (so a
        // live tail's failure goes out at once) or when the batch is full.
        var batch = new List<Failure>();
        LogLine? batchLine = null;
        while (await WaitForLinesAsync(lines))
        {
            while (lines.TryRead(out var line))
            {
                Route(line, failures);
                var positioned = line.HasPosition;
                if (failures.Count > 0)
                {
                    batch.AddRange(failures);
                    batchLine = positioned ? line : batchLine;
                }
                if (positioned)
                {
                    pending = failures.Count > 0 ? null : line;
                    sincePosition = failures.Count > 0 ? 0 : sincePosition + 1;
                }
                failures.Clear();
                var idle = lines.Count == 0;
                if (batch.Count > 0 && (idle || batch.Count >= MaxBatch || sincePosition >= PositionEvery))
                {
                    await inbox.WriteAsync(new FailuresFound(batch, batchLine?.Position), CancellationToken.None);
                    batch = [];
                    batchLine = null;
                }
                if (pending is not null && (sincePosition >= PositionEvery || idle))
                {
                    await inbox.WriteAsync(new PositionReached(pending.Position!), CancellationToken.None);
                    pending = null;
                    sincePosition = 0;
                }
            }
        }
        if (batch.Count > 0)
        {
            await inbox.WriteAsync(new FailuresFound(batch, batchLine?.Position), CancellationToken.None);
        }
        if (pending is not null)
        {
            await inbox.WriteAsync(new PositionReached(pending.Position!), CancellationToken.None);
        }
    }

    /// <summary>
    /// Waits for a line. A router whose channel runs continuations synchronously (a file source with its
    /// <see cref="ReadBurst"/>) is resumed on the writer's thread: it routes there only the last line of
    /// a burst (a line appended at idle goes on to the loop without a pool thread's wake-up); in the
    /// middle of a burst it moves to the pool, so reading and routing run side by side.
    /// </summary>
    private async ValueTask<bool> WaitForLinesAsync(ChannelReader<LogLine> lines)
    {
        var wait = lines.WaitToReadAsync(CancellationToken.None);
        if (wait.IsCompleted || burst is null)
        {
            return await wait;
        }
        var more = await wait;
        if (more && burst.MoreComing)
        {
            await new PoolHop();
        }
        return more;
    }

    private void Route(LogLine line, List<Failure> failures)
    {
        counters.LinesRead.Increment();
        if (line.Screened)
        {
            counters.LinesMissed.Increment();
            return;
        }
        var matched = false;
        var ignored = false;
        for (var i = 0; i < routes.Length; i++)
        {
            var route = routes[i];
            var answeredBy = _answeredBy[i];
            var result = _answers[i] = answeredBy == i ? route.Filter.Match(line.Text, line.ReadAt) : _answers[answeredBy];
            switch (result.Outcome)
            {
                case MatchOutcome.Ignored:
                    ignored = true;
                    continue;
                case MatchOutcome.Missed:
                    continue;
            }
            matched = true;
            var isName = result.Address is null && HostName.Looks(result.RawHost);
            if (result.Address is null && !isName)
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
            var failure = new Failure(route.Jail, result.Address ?? IPAddress.None, at, result.Fields ?? NoFields, line.Text, line.Origin);
            if (isName)
            {
                OnHostName(route, result.RawHost!, failure);
                continue;
            }
            failures.Add(failure);
        }
        (matched ? counters.LinesMatched : ignored ? counters.LinesIgnored : counters.LinesMissed).Increment();
    }

    private void OnHostName(JailRoute route, string host, Failure failure)
    {
        if (route.UseDns == DnsMode.Yes && resolver is not null)
        {
            if (!resolver.TryEnqueue(new HostLookup(failure, host)))
            {
                // The resolver is behind (slow DNS): dropping keeps the router from waiting on it.
                counters.FailuresDnsDropped.Increment();
            }
            return;
        }
        counters.FailuresDnsDropped.Increment();
        if (route.UseDns != DnsMode.Warn || logger is null)
        {
            return;
        }
        var now = time.GetUtcNow();
        if (_warned.TryGetValue(host, out var last) && now - last < WarnEvery)
        {
            return;
        }
        if (_warned.Count >= MaxWarnedNames)
        {
            _warned.Clear();
        }
        _warned[host] = now;
        logger.LogWarning(
            "Jail {Jail}: the filter captured host name {Host}, not an address; failure dropped (usedns: warn; usedns: yes resolves names, usedns: no drops them silently)",
            route.Jail, host);
    }
}
