using System.Text;
using ScanJail.Core.Actions.Netlink;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

/// <summary>
/// Runs a <c>command</c> action's argv templates, each as one process without a shell; a batch verb with a
/// <c>session</c> writes small batches to its kept-open process instead (<see cref="ToolSession"/>).
/// </summary>
internal sealed class CommandVerbRunner : IVerbRunner, IAsyncDisposable
{
    /// <summary>Batches up to this many bans go through the session as one line; bigger ones (a restart's) run the tool once.</summary>
    public const int SessionMaxBans = 64;

    private readonly Dictionary<string, ToolSession> _sessions = new(StringComparer.Ordinal);
    private readonly string _jail;
    private readonly Dictionary<ActionVerb, ArgTemplate[][]> _commands;
    private readonly Dictionary<ActionVerb, CompiledBatch> _batches;
    private readonly IReadOnlyDictionary<string, string> _parameters;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly NfSetWriter? _netlink;

    /// <param name="openNetlink">Opens the netlink socket of a <c>netlink:</c> action; by default in the engine's own network namespace.</param>
    public CommandVerbRunner(ActionDefinition definition, IReadOnlyDictionary<string, string> parameters, string jail, TimeProvider time, Func<NetlinkSocket>? openNetlink = null)
    {
        _jail = jail;
        _parameters = parameters;
        _timeout = definition.Timeout;
        _time = time;
        // Templates are tokenized once here, not per ban.
        _commands = definition.Commands.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.Select(argv => argv.Select(ArgTemplate.Parse).ToArray()).ToArray());
        _batches = definition.Batches.ToDictionary(kv => kv.Key, kv => new CompiledBatch(kv.Value));
        _netlink = NetlinkWriter(definition, parameters, jail, openNetlink);
    }

    /// <summary>The set writer of a <c>netlink:</c> action, unless a parameter's value turns it off (<see cref="NetlinkSets.Unless"/>).</summary>
    private static NfSetWriter? NetlinkWriter(ActionDefinition definition, IReadOnlyDictionary<string, string> parameters, string jail, Func<NetlinkSocket>? open)
    {
        if (definition.Netlink is not { } sets || sets.Unless.Any(kv => parameters.TryGetValue(kv.Key, out var value) && value == kv.Value))
        {
            return null;
        }
        var values = TagValues.For(null, jail, parameters);
        // The kernel answers while it handles the send; the timeout only bounds a broken exchange on the queuing thread.
        var timeout = definition.Timeout < TimeSpan.FromSeconds(2) ? definition.Timeout : TimeSpan.FromSeconds(2);
        return new NfSetWriter(NetlinkSets.FamilyNumber(sets.Family)!.Value, ArgTemplate.Parse(sets.Table).Render(values),
            ArgTemplate.Parse(sets.Inet4Set).Render(values), ArgTemplate.Parse(sets.Inet6Set).Render(values), open ?? (() => NetlinkSocket.Open(timeout)));
    }

    /// <summary>The jail's ignoreip for the <c>&lt;ignoreip&gt;</c> tag, space-separated networks.</summary>
    public string IgnoreIp { get; init; } = "";

    private TagValues Values(Ban? ban, DateTimeOffset? now = null) => TagValues.For(ban, _jail, _parameters, now, IgnoreIp);

    /// <summary>True when small batches of bans go to the kernel over netlink (for tests).</summary>
    internal bool UsesNetlink => _netlink is not null;

    /// <summary>Netlink transactions sent so far (for tests).</summary>
    internal long NetlinkBatches => _netlink?.Batches ?? 0;

    public int Steps(ActionVerb verb) =>
        _batches.ContainsKey(verb) ? 1 : _commands.TryGetValue(verb, out var list) ? list.Length : 0;

    public bool CanBatch(ActionVerb verb) => _batches.ContainsKey(verb);

    public bool WritesToSession => _netlink is not null || ThroughSession(ActionVerb.Ban) && (ThroughSession(ActionVerb.Unban) || Steps(ActionVerb.Unban) == 0);

    // A ban's command starts on the engine loop's thread (ChildProcess.Start takes a fraction of a millisecond):
    // a hop to a pool thread cost 1 ms at p90 and 5 ms at p99 on a busy machine (docs/latency.md, round 5).
    public bool StartsOnQueuingThread => true;

    private bool ThroughSession(ActionVerb verb) => _batches.TryGetValue(verb, out var batch) && batch.Session is not null;

    public async Task<VerbResult> RunAsync(ActionVerb verb, Ban? ban, int fromStep, CancellationToken cancellationToken)
    {
        if (_batches.ContainsKey(verb))
        {
            return ban is null ? new VerbResult(0, "no ban given, nothing run") : await RunBatchAsync(verb, [ban], cancellationToken);
        }
        var list = _commands[verb];
        var values = Values(ban, _time.GetUtcNow());
        for (var step = fromStep; step < list.Length; step++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new VerbResult(step, "cancelled: the action is stopping");
            }
            var argv = Render(list[step], values);
            // A command that has started is allowed to finish (its timeout bounds it): half a firewall change is worse.
            var error = await CommandRunner.RunAsync(argv, values.Environment, _timeout, _time, CancellationToken.None);
            if (error is not null)
            {
                return new VerbResult(step, error);
            }
        }
        if (verb == ActionVerb.Start && _netlink is not null)
        {
            // The socket opens now, so the first ban does not wait for it; a failure shows at that ban.
            _netlink.EnsureOpen();
        }
        else if (verb == ActionVerb.Start)
        {
            // The session's process starts now, so the first ban does not wait for it; a failure shows at that ban.
            foreach (var session in Sessions(values))
            {
                // An empty line: nft does nothing, and the round trip makes the first ban's path warm.
                await session.RunAsync("", CancellationToken.None);
            }
        }
        return VerbResult.Done;
    }

    /// <summary>One process for all <paramref name="bans"/>: their lines go to its standard input, as data for the tool.</summary>
    public async Task<VerbResult> RunBatchAsync(ActionVerb verb, IReadOnlyList<Ban> bans, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new VerbResult(0, "cancelled: the action is stopping");
        }
        if (_netlink is not null && bans.Count <= SessionMaxBans && bans.All(b => b.Prefix is null))
        {
            // Written by this thread, answered by the kernel before the call returns: no process, no thread hop.
            var failed = _netlink.Apply(verb, bans, _time.GetUtcNow());
            // The drop is in force; what follows (the queue's bookkeeping, its next item) goes to the pool, so the
            // thread that queued this ban (the engine loop) gets back to its work, and bans it queues meanwhile
            // (a restart's thousands) join one batch instead of one transaction each, as while nft -i answered.
            await Task.Yield();
            return failed is null ? VerbResult.Done : new VerbResult(0, bans.Count == 1 ? failed : $"{bans.Count} at once: {failed}");
        }
        var batch = _batches[verb];
        var common = Values(null);
        var lines = Lines(batch, bans, common, _time.GetUtcNow());
        if (batch.Session is not null && bans.Count <= SessionMaxBans && await RunInSessionAsync(batch, lines, bans.Count, common) is { } done)
        {
            return done;
        }
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }
        var argv = Render(batch.Run, common);
        var error = await CommandRunner.RunAsync(argv, common.Environment, _timeout, _time, CancellationToken.None, text.ToString());
        return error is null ? VerbResult.Done : new VerbResult(0, bans.Count == 1 ? error : $"{bans.Count} at once: {error}");
    }

    /// <summary>
    /// The batch as one line to the session (its commands joined with "; ", one transaction). Null when the
    /// session cannot take it (its process cannot start, or a line holds '#', which would comment out the
    /// rest): the caller then runs the tool once, as without a session.
    /// </summary>
    private async Task<VerbResult?> RunInSessionAsync(CompiledBatch batch, List<string> lines, int bans, TagValues common)
    {
        if (lines.Any(l => l.Contains('#', StringComparison.Ordinal) || l.Contains('\n', StringComparison.Ordinal)))
        {
            return null;
        }
        var session = Session(batch, common);
        if (session.EnsureStarted() is not null)
        {
            return null;
        }
        var line = string.Join("; ", lines);
        var error = await session.RunAsync(line, CancellationToken.None);
        if (error is not null && ToolSession.IsDeath(error))
        {
            // The process died (killed, crashed): a new one at once, and the line once more. Adding what
            // is there already changes nothing, so a line that did land before the death is harmless.
            error = await session.RunAsync(line, CancellationToken.None);
        }
        return error is null ? VerbResult.Done : new VerbResult(0, bans == 1 ? error : $"{bans} at once: {error}");
    }

    /// <summary>The lines of a batch of <paramref name="verb"/> for <paramref name="bans"/>, as the tool reads them.</summary>
    internal List<string> Lines(ActionVerb verb, IReadOnlyList<Ban> bans) =>
        Lines(_batches[verb], bans, Values(null), _time.GetUtcNow());

    /// <summary>
    /// <see cref="CompiledBatch.Before"/>, each ban's lines (or, with <c>join</c>, one statement per head and
    /// tail for all of them), then <see cref="CompiledBatch.After"/>. The ban lines' tags are read from the
    /// ban itself (<see cref="BanLineTags"/>): no dictionary or environment per ban.
    /// </summary>
    private static List<string> Lines(CompiledBatch batch, IReadOnlyList<Ban> bans, TagValues common, DateTimeOffset now)
    {
        var lines = new List<string>(batch.Join is null ? bans.Count * batch.Each.Length + 2 : 8);
        lines.AddRange(batch.Before.Select(t => t.Render(common)));
        var tags = new BanLineTags(common, now);
        var joined = batch.Join is { } separator ? new JoinedStatements(separator) : null;
        foreach (var ban in bans)
        {
            tags.Ban = ban;
            var permanent = ban.Permanent && batch.Permanent is not null;
            if (joined is not null)
            {
                foreach (var line in permanent ? batch.JoinedPermanent! : batch.JoinedEach!)
                {
                    joined.Add(line.Head.Render(tags), line.Element.Render(tags), line.Tail.Render(tags));
                }
                continue;
            }
            foreach (var line in permanent ? batch.Permanent! : batch.Each)
            {
                lines.Add(line.Render(tags));
            }
        }
        if (joined is not null)
        {
            lines.AddRange(joined.Lines());
        }
        lines.AddRange(batch.After.Select(t => t.Render(common)));
        return lines;
    }

    private IEnumerable<ToolSession> Sessions(TagValues values) =>
        _batches.Values.Where(b => b.Session is not null).Select(b => Session(b, values)).Distinct().ToList();

    /// <summary>One process per distinct session argv: ban and unban with the same argv share it.</summary>
    private ToolSession Session(CompiledBatch batch, TagValues values)
    {
        var argv = Render(batch.Session!, values);
        var key = string.Join('\0', argv);
        if (!_sessions.TryGetValue(key, out var session))
        {
            session = new ToolSession(argv, _timeout, _time);
            _sessions[key] = session;
        }
        return session;
    }

    /// <summary>The session processes, for tests: the one serving <paramref name="verb"/>, or null without one.</summary>
    internal ToolSession? SessionOf(ActionVerb verb) =>
        _batches.TryGetValue(verb, out var batch) && batch.Session is not null ? Session(batch, Values(null)) : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            await session.DisposeAsync();
        }
        _sessions.Clear();
        _netlink?.Dispose();
    }

    internal static string[] Render(ArgTemplate[] templates, TagValues values)
    {
        var argv = new string[templates.Length];
        for (var i = 0; i < templates.Length; i++)
        {
            argv[i] = templates[i].Render(values);
        }
        return argv;
    }

    private sealed class CompiledBatch(BatchTemplate template)
    {
        public ArgTemplate[] Run { get; } = [.. template.Run.Select(ArgTemplate.Parse)];
        public ArgTemplate[] Before { get; } = [.. template.Before.Select(ArgTemplate.Parse)];
        public ArgTemplate[] Each { get; } = [.. template.Each.Select(ArgTemplate.Parse)];
        public ArgTemplate[]? Permanent { get; } = template.Permanent is null ? null : [.. template.Permanent.Select(ArgTemplate.Parse)];
        public ArgTemplate[] After { get; } = [.. template.After.Select(ArgTemplate.Parse)];
        public ArgTemplate[]? Session { get; } = template.Session is null ? null : [.. template.Session.Select(ArgTemplate.Parse)];
        public string? Join { get; } = template.Join;

        // The loader checked that every line cuts (BatchReader.Join).
        public JoinedLine[]? JoinedEach { get; } = template.Join is null ? null : [.. template.Each.Select(l => JoinedLine.TryCut(l)!)];
        public JoinedLine[]? JoinedPermanent { get; } = template.Join is null || template.Permanent is null ? null : [.. template.Permanent.Select(l => JoinedLine.TryCut(l)!)];
    }
}
