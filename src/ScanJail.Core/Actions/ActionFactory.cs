using Microsoft.Extensions.Logging;
using ScanJail.Core.Actions.Notify;
using ScanJail.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Actions;

public static class ActionFactory
{
    /// <summary>
    /// Checks the parameters a jail gives an action (unknown names are errors, reported at <paramref name="at"/>
    /// in <paramref name="file"/>) and returns them merged over the definition's defaults.
    /// </summary>
    public static IReadOnlyDictionary<string, string> MergeParameters(
        ActionDefinition definition, IReadOnlyDictionary<string, string> given, ConfigErrors errors, string file, YamlNode? at, string? jail)
    {
        var merged = new Dictionary<string, string>(definition.Parameters, StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            if (!definition.Parameters.ContainsKey(name))
            {
                var known = definition.Parameters.Count == 0
                    ? "it takes no parameters"
                    : $"its parameters are: {string.Join(", ", definition.Parameters.Keys.Order(StringComparer.Ordinal))}";
                errors.Add(file, at, jail, $"actions.{definition.Name}.{name}",
                    $"action '{definition.Name}' ({definition.File}) has no parameter '{name}'; {known}");
                continue;
            }
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add(file, at, jail, $"actions.{definition.Name}.{name}", "a parameter cannot contain a NUL character");
                continue;
            }
            if (definition.Patterns.TryGetValue(name, out var pattern) && !ParameterPatterns.Matches(pattern, value))
            {
                errors.Add(file, at, jail, $"actions.{definition.Name}.{name}",
                    $"'{value}' is not a valid value for '{name}' of action '{definition.Name}': it must match {pattern}");
                continue;
            }
            merged[name] = value;
        }
        if (NotifyKinds.IsNotify(definition.Kind))
        {
            NotifyKinds.Validate(definition.Kind, merged, (name, message) =>
                errors.Add(file, at, jail, $"actions.{definition.Name}.{name}", $"action '{definition.Name}' ({definition.File}): {message}"));
        }
        return merged;
    }

    /// <summary>The live action of one jail, with its own queue.</summary>
    public static IJailAction Create(ActionConfig action, string jail, TimeProvider time, ILogger logger)
        => Create(action, jail, time, logger, ActionRetryOptions.Default);

    /// <summary>The live action of one jail, with its own queue and the given retry policy.</summary>
    public static IJailAction Create(ActionConfig action, string jail, TimeProvider time, ILogger logger, ActionRetryOptions retry)
        => Create(action, jail, time, logger, retry, null);

    /// <summary>
    /// The live action of one jail. <paramref name="currentBans"/> gives the jail's active bans; with it, an action
    /// whose periodic <c>check</c> fails (someone flushed the firewall) runs <c>start</c> again and re-applies them.
    /// </summary>
    public static IJailAction Create(
        ActionConfig action, string jail, TimeProvider time, ILogger logger, ActionRetryOptions retry, Func<CancellationToken, Task<IReadOnlyList<Bans.Ban>>>? currentBans)
    {
        if (NotifyKinds.IsNotify(action.Definition.Kind))
        {
            return NotifyKinds.Create(action, jail, time, logger, retry);
        }
        IVerbRunner runner = action.Definition.Kind == ActionLoader.LogKind
            ? new LogVerbRunner(jail, logger)
            : new CommandVerbRunner(action.Definition, action.Parameters, jail, time) { IgnoreIp = action.IgnoreIp };
        return new QueuedAction(action.Name, jail, runner, retry, time, logger, new ActionRepair(action.Definition.CheckInterval, currentBans));
    }
}
