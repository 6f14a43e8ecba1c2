using ScanJail.Core.Actions;
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
    public long TotalFailed { get; set; }
    public long TotalBanned { get; set; }
    public OriginTally Origins { get; set; } = new();
}
