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
/// A file source hands its lines straight to the router (<see cref="ILineSink"/>, on its reading task)
/// instead of through the channel; <paramref name="inboxInBurst"/> then takes what is sent before the
/// end of a read.
/// </summary>
internal sealed class LineRouter(
    JailRoute[] routes, ChannelWriter<EngineMessage> inbox, EngineCounters counters, TimeProvider time, bool replay,
    HostResolver? resolver = null, ILogger? logger = null, ReadBurst? burst = null, ChannelWriter<EngineMessage>? inboxInBurst = null) : ILineSink
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

    // What is routed but not sent yet. One caller at a time: the channel loop of RunAsync, or a file source's
    // reading task through ILineSink (its channel then stays empty, and RunAsync sends the rest once it completes).
    private readonly List<Failure> _failures = new(2);
    // The failures of the lines routed so far, sent as one message when the source has nothing more to hand
    // on now (so a live tail's failure goes out at once) or when the batch is full; the position is that of
    // its last line with a position, kept as the file and offset (a position object only when it is sent).
    private readonly FailureBatches _spares = new();
    private List<Failure> _batch = [];
    private FilePosition? _batchFile;
    private long _batchEnd = -1;
    // The last line with a position none of whose failures is pending.
    private FilePosition? _pendingFile;
    private long _pendingEnd = -1;
    private int _sincePosition;

    /// <summary>Routes until <paramref name="lines"/> completes (its source stopped), then sends the last position.</summary>
    public async Task RunAsync(ChannelReader<LogLine> lines)
    {
        while (await WaitForLinesAsync(lines))
        {
            while (lines.TryRead(out var line))
            {
                Take(line.Screened, line.Text, line.Text, line.ReadAt, line.Origin, line.PositionFile, line.PositionEnd);
                var idle = lines.Count == 0;
                if (Ready(idle))
                {
                    await SendAsync(idle, inbox);
                }
            }
        }
        await SendAsync(idle: true, inbox);
    }

    bool ILineSink.Take(ReadOnlySpan<char> text, bool screened, DateTimeOffset readAt, FilePosition file, long end)
    {
        Take(screened, text, null, readAt, origin: null, file, end);
        return Ready(idle: false);
    }

    // The end of a read goes through the writer that may run the loop on this thread (a line appended at idle,
    // on the inotify thread); what a burst sends before its end leaves the loop to its own thread.
    ValueTask ILineSink.SendAsync(bool endOfRead) => SendAsync(endOfRead, endOfRead ? inbox : inboxInBurst ?? inbox);

    // The line as characters, and as a string when the source made one (else one is made only if a failure keeps it).
    private void Take(bool screened, ReadOnlySpan<char> chars, string? text, DateTimeOffset readAt, string? origin, FilePosition? file, long end)
    {
        Route(screened, chars, text, readAt, origin, _failures);
        var positioned = file is not null;
        if (_failures.Count > 0)
        {
            _batch.AddRange(_failures);
            if (positioned)
            {
                (_batchFile, _batchEnd) = (file, end);
            }
        }
        if (positioned)
        {
            if (_failures.Count > 0)
            {
                _pendingFile = null;
                _sincePosition = 0;
            }
            else
            {
                (_pendingFile, _pendingEnd) = (file, end);
                _sincePosition++;
            }
        }
        _failures.Clear();
    }

    private bool Ready(bool idle) => BatchDue(idle) || PositionDue(idle);

    private bool BatchDue(bool idle) => _batch.Count > 0 && (idle || _batch.Count >= MaxBatch || _sincePosition >= PositionEvery);

    private bool PositionDue(bool idle) => _pendingFile is not null && (idle || _sincePosition >= PositionEvery);

    private async ValueTask SendAsync(bool idle, ChannelWriter<EngineMessage> writer)
    {
        if (BatchDue(idle))
        {
            var sent = _batch;
            await writer.WriteAsync(new FailuresFound(sent, LogLine.PositionOf(_batchFile, _batchEnd), _spares), CancellationToken.None);
            // A list the loop has given back, or one the size of this batch: in a flood full at once (grown from
            // empty, a batch of 256 made arrays for 4, 8, ... 256 failures), for a live line or an alert one failure.
            _batch = _spares.Take(sent.Count);
            _batchFile = null;
        }
        if (PositionDue(idle))
        {
            await writer.WriteAsync(new PositionReached(LogLine.PositionOf(_pendingFile, _pendingEnd)!), CancellationToken.None);
            _pendingFile = null;
            _sincePosition = 0;
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

    // screened: no filter can match the line (it was not decoded).
    private void Route(bool screened, ReadOnlySpan<char> chars, string? text, DateTimeOffset readAt, string? origin, List<Failure> failures)
    {
        counters.LinesRead.Increment();
        if (screened)
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
            var result = _answers[i] = answeredBy == i ? (text is not null ? route.Filter.Match(text, readAt) : route.Filter.Match(chars, readAt)) : _answers[answeredBy];
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
            var at = result.Time ?? readAt;
            // Like fail2ban: outside replay, a line older than findtime cannot count any more.
            if (!replay && at < time.GetUtcNow() - route.FindTime)
            {
                counters.FailuresTooOld.Increment();
                continue;
            }
            var failure = new Failure(route.Jail, result.Address ?? IPAddress.None, at, result.Fields ?? NoFields, route.KeepsLines ? (text ??= chars.ToString()) : "", origin);
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
