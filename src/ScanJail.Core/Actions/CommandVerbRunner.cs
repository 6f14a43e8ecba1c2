using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

/// <summary>Runs a <c>command</c> action's argv templates, each as one process without a shell.</summary>
internal sealed class CommandVerbRunner : IVerbRunner
{
    private readonly string _jail;
    private readonly Dictionary<ActionVerb, ArgTemplate[][]> _commands;
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
    }

    public int Steps(ActionVerb verb) => _commands.TryGetValue(verb, out var list) ? list.Length : 0;

    public async Task<VerbResult> RunAsync(ActionVerb verb, Ban? ban, int fromStep, CancellationToken cancellationToken)
    {
        var list = _commands[verb];
        var values = TagValues.For(ban, _jail, _parameters);
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

    internal static string[] Render(ArgTemplate[] templates, TagValues values)
    {
        var argv = new string[templates.Length];
        for (var i = 0; i < templates.Length; i++)
        {
            argv[i] = templates[i].Render(values);
        }
        return argv;
    }
}
