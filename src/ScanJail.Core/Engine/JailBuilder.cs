using Microsoft.Extensions.Logging;
using ScanJail.Core.Actions;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Core.Jails;

namespace ScanJail.Core.Engine;

/// <summary>Turns a validated jail configuration into a live jail, reusing the live actions of a jail whose actions did not change.</summary>
internal static class JailBuilder
{
    /// <param name="currentBans">The jail's active bans by jail name, for an action that repairs a flushed firewall.</param>
    /// <param name="release">When given, each new action's items wait for the engine loop's database batch (<see cref="HeldAction"/>).</param>
    public static Jail Build(JailConfig config, Jail? previous, TimeProvider time, ILoggerFactory loggers,
        Func<string, CancellationToken, Task<IReadOnlyList<Bans.Ban>>>? currentBans = null, ActionRelease? release = null)
    {
        var filter = Filter(config, Jail.ActionsReadFields(config.Actions));
        if (filter is RegexFilter { MakesFields: false } regex && regex.FieldNames.Any(Reports.ScanLedger.ReadsField))
        {
            // The scan report reads these captures whatever the actions do (the compiled patterns are shared).
            filter = regex.WithFields();
        }
        var actions = previous is not null && SameActions(previous.Config.Actions, config.Actions)
            ? previous.Actions
            : [.. config.Actions.Select(a => Held(
                ActionFactory.Create(a, config.Name, time, loggers.CreateLogger($"ScanJail.Action.{a.Name}"),
                    ActionRetryOptions.Default, currentBans is null ? null : token => currentBans(config.Name, token)),
                a.Definition,
                release))];
        var jail = new Jail(config, filter, actions);
        if (previous is not null)
        {
            jail.Counter.CopyFrom(previous.Counter);
            jail.TotalFailed = previous.TotalFailed;
            jail.TotalBanned = previous.TotalBanned;
            jail.Origins = previous.Origins;
        }
        return jail;
    }

    /// <summary>
    /// The jail's filter; with <paramref name="fields"/> false its matches carry no captures (no value array, no
    /// user or port string per failure), for a jail where nothing reads them.
    /// </summary>
    private static IFilter Filter(JailConfig config, bool fields)
    {
        var errors = new ConfigErrors();
        return FilterFactory.Create(config.Filter, config.FilterParameters, errors, config.Name, new FilterOptions(Fields: fields))
            ?? throw new InvalidOperationException($"jail {config.Name}: the filter failed to build after validation: {string.Join("; ", errors.Items)}");
    }

    /// <summary>
    /// An action whose start removes its bans (<see cref="ActionDefinition.StartResets"/>) is not held: its ban
    /// reaches the firewall while the loop writes it to the database (a scan goes on meanwhile).
    /// </summary>
    private static IJailAction Held(IJailAction action, ActionDefinition definition, ActionRelease? release) =>
        release is null || definition.StartResets ? action : new HeldAction(action, release);

    public static bool SameActions(IReadOnlyList<ActionConfig> a, IReadOnlyList<ActionConfig> b) =>
        a.Count == b.Count && a.Zip(b).All(p => SameAction(p.First, p.Second));

    private static bool SameAction(ActionConfig a, ActionConfig b) =>
        a.Name == b.Name
        && SameMap(a.Parameters, b.Parameters)
        && a.IgnoreIp == b.IgnoreIp
        && a.Definition.Kind == b.Definition.Kind
        && a.Definition.Timeout == b.Definition.Timeout
        && a.Definition.CheckInterval == b.Definition.CheckInterval
        && a.Definition.StartResets == b.Definition.StartResets
        && a.Definition.Netlink?.Key == b.Definition.Netlink?.Key
        && SameMap(a.Definition.Patterns, b.Definition.Patterns)
        && SameMap(a.Definition.Batches.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.Key), b.Definition.Batches.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.Key))
        && SameMap(a.Definition.Parameters, b.Definition.Parameters)
        && a.Definition.Commands.Count == b.Definition.Commands.Count
        && a.Definition.Commands.All(kv => b.Definition.Commands.TryGetValue(kv.Key, out var other)
            && kv.Value.Count == other.Count
            && kv.Value.Zip(other).All(argv => argv.First.SequenceEqual(argv.Second, StringComparer.Ordinal)));

    private static bool SameMap(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
