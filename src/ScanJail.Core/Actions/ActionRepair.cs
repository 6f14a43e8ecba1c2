using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

/// <summary>
/// How an action keeps the firewall in step with the ban book: every <see cref="Interval"/> it runs
/// <c>check</c>; when that fails (a flushed table) or a verb gave up earlier (a tool that was missing),
/// it runs <c>start</c> again and re-applies the bans <see cref="CurrentBans"/> returns.
/// </summary>
public sealed record ActionRepair(TimeSpan? Interval, Func<CancellationToken, Task<IReadOnlyList<Ban>>>? CurrentBans)
{
    public static ActionRepair None { get; } = new(null, null);
}
