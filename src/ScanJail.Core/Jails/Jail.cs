using ScanJail.Core.Actions;
using ScanJail.Core.Actions.Notify;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;

namespace ScanJail.Core.Jails;

/// <summary>
/// A running jail: its configuration, filter, failure counter, ignore list and live actions.
/// Owned by the engine loop; only the filter is used from other threads (it is thread-safe).
/// </summary>
public sealed class Jail(JailConfig config, IFilter filter, IReadOnlyList<IJailAction> actions)
{
    public string Name => Config.Name;
    public JailConfig Config { get; } = config;
    public IFilter Filter { get; } = filter;
    public IReadOnlyList<IJailAction> Actions { get; } = actions;
    public FailureCounter Counter { get; } = new(config.FindTime, config.MaxRetry);
    public IgnoreList Ignore { get; } = new(config.IgnoreIp, config.IgnoreSelf);
    /// <summary>The lines that led to a ban, for notifications (<c>&lt;matches&gt;</c>).</summary>
    public RecentLines Recent { get; } = new(Math.Clamp(config.MaxRetry, 1, RecentLines.DefaultPerAddress));

    /// <summary>
    /// Whether an action may quote the lines (a notification, or a template with <c>&lt;matches&gt;</c>): only
    /// then are they kept. Keeping every failing line until its address is banned or forgotten made each
    /// one outlive the young generation, which under a flood was most of what the GC copied.
    /// </summary>
    public bool KeepsLines { get; } = config.Actions.Any(QuotesLines);
    /// <summary>
    /// Whether an action may read a failure's captures (<see cref="Bans.Ban.Fields"/>): a command gets every
    /// capture in its environment (<c>SCANJAIL_F_NAME</c>) whatever its templates say, a notification may quote
    /// any of them, the log action none. Without such an
    /// action the jail's filter makes no captures at all (<see cref="Engine.JailBuilder"/>), unless the scan
    /// report reads them.
    /// </summary>
    public static bool ActionsReadFields(IReadOnlyList<ActionConfig> actions) => actions.Any(ReadsFields);

    public long TotalFailed { get; set; }
    public long TotalBanned { get; set; }
    public OriginTally Origins { get; set; } = new();

    // The log action writes the jail, address, ban time and failures (LogVerbRunner): never a capture.
    private static bool ReadsFields(ActionConfig action) => action.Definition.Kind != ActionLoader.LogKind;

    private static IEnumerable<string> Texts(ActionConfig action)
    {
        var definition = action.Definition;
        return definition.Commands.Values.SelectMany(c => c).SelectMany(argv => argv)
            .Concat(definition.Batches.Values.SelectMany(b => b.Run.Concat(b.Before).Concat(b.Each).Concat(b.Permanent ?? []).Concat(b.After)))
            .Concat(definition.Parameters.Values)
            .Concat(action.Parameters.Values);
    }

    private static bool QuotesLines(ActionConfig action)
    {
        var definition = action.Definition;
        if (definition.Kind is not (ActionLoader.CommandKind or ActionLoader.LogKind))
        {
            return true;
        }
        return Texts(action).Any(t => ArgTemplate.Parse(t).Tags.Contains(NotifyTags.Matches, StringComparer.Ordinal));
    }
}
