using System.Text;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

/// <summary>Runs a <c>command</c> action's argv templates, each as one process without a shell.</summary>
internal sealed class CommandVerbRunner : IVerbRunner
{
    private readonly string _jail;
    private readonly Dictionary<ActionVerb, ArgTemplate[][]> _commands;
    private readonly Dictionary<ActionVerb, CompiledBatch> _batches;
    private readonly IReadOnlyDictionary<string, string> _parameters;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public CommandVerbRunner(ActionDefinition definition, IReadOnlyDictionary<string, string> parameters, string jail, TimeProvider time)
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
    }

    public int Steps(ActionVerb verb) =>
        _batches.ContainsKey(verb) ? 1 : _commands.TryGetValue(verb, out var list) ? list.Length : 0;

    public bool CanBatch(ActionVerb verb) => _batches.ContainsKey(verb);

    public async Task<VerbResult> RunAsync(ActionVerb verb, Ban? ban, int fromStep, CancellationToken cancellationToken)
    {
        if (_batches.ContainsKey(verb))
        {
            return ban is null ? new VerbResult(0, "no ban given, nothing run") : await RunBatchAsync(verb, [ban], cancellationToken);
        }
        var list = _commands[verb];
        var values = TagValues.For(ban, _jail, _parameters, _time.GetUtcNow());
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
        return VerbResult.Done;
    }

    /// <summary>One process for all <paramref name="bans"/>: their lines go to its standard input, as data for the tool.</summary>
    public async Task<VerbResult> RunBatchAsync(ActionVerb verb, IReadOnlyList<Ban> bans, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new VerbResult(0, "cancelled: the action is stopping");
        }
        var batch = _batches[verb];
        var common = TagValues.For(null, _jail, _parameters);
        var now = _time.GetUtcNow();
        var text = new StringBuilder();
        AppendLines(text, batch.Before, common);
        foreach (var ban in bans)
        {
            var values = TagValues.For(ban, _jail, _parameters, now);
            AppendLines(text, ban.Permanent && batch.Permanent is { } permanent ? permanent : batch.Each, values);
        }
        AppendLines(text, batch.After, common);
        var argv = Render(batch.Run, common);
        var error = await CommandRunner.RunAsync(argv, common.Environment, _timeout, _time, CancellationToken.None, text.ToString());
        return error is null ? VerbResult.Done : new VerbResult(0, bans.Count == 1 ? error : $"{bans.Count} at once: {error}");
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

    private static void AppendLines(StringBuilder text, ArgTemplate[] lines, TagValues values)
    {
        foreach (var line in lines)
        {
            text.Append(line.Render(values)).Append('\n');
        }
    }

    private sealed class CompiledBatch(BatchTemplate template)
    {
        public ArgTemplate[] Run { get; } = [.. template.Run.Select(ArgTemplate.Parse)];
        public ArgTemplate[] Before { get; } = [.. template.Before.Select(ArgTemplate.Parse)];
        public ArgTemplate[] Each { get; } = [.. template.Each.Select(ArgTemplate.Parse)];
        public ArgTemplate[]? Permanent { get; } = template.Permanent is null ? null : [.. template.Permanent.Select(ArgTemplate.Parse)];
        public ArgTemplate[] After { get; } = [.. template.After.Select(ArgTemplate.Parse)];
    }
}
