namespace ScanJail.Core.Actions;

/// <summary>
/// An action as read from <c>actions/NAME.yaml</c>: a kind (<c>command</c>, or a built-in such as
/// <c>log</c>), its verbs as argv templates, its parameters with their defaults, and the command timeout.
/// </summary>
public sealed record ActionDefinition(
    string Name,
    string File,
    string Kind,
    IReadOnlyDictionary<ActionVerb, IReadOnlyList<IReadOnlyList<string>>> Commands,
    IReadOnlyDictionary<string, string> Parameters,
    TimeSpan Timeout)
{
    /// <summary><c>ban</c> and <c>unban</c> written as a batch (one command fed many bans on its standard input).</summary>
    public IReadOnlyDictionary<ActionVerb, BatchTemplate> Batches { get; init; } = new Dictionary<ActionVerb, BatchTemplate>();

    /// <summary>Per parameter, the pattern a value must match whole (<c>patterns:</c>); checked for defaults and for jails' values.</summary>
    public IReadOnlyDictionary<string, string> Patterns { get; init; } = new Dictionary<string, string>();

    /// <summary>How often <c>check</c> runs while the action is started; null when it never runs by itself.</summary>
    public TimeSpan? CheckInterval { get; init; }

    /// <summary>
    /// <c>start-resets: true</c>: <c>start</c> removes every ban the action applied (nftables re-creates its
    /// table empty). Such an action gets its items without waiting for the engine's database commit: a ban
    /// applied and then lost to a kill -9 before the commit is removed by the start that follows the restart
    /// (and meanwhile expires by its own timeout, for nftables), so it can never outlive what the database knows.
    /// </summary>
    public bool StartResets { get; init; }

    /// <summary><c>netlink:</c>: small batches of bans and unbans written as set elements by the engine itself; null without.</summary>
    public Netlink.NetlinkSets? Netlink { get; init; }
}

/// <summary>An action as a jail uses it: the definition and the parameters the jail gave (defaults filled in).</summary>
public sealed record ActionConfig(string Name, ActionDefinition Definition, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>The jail's ignoreip, space-separated networks (the <c>&lt;ignoreip&gt;</c> tag, e.g. for a kernel trap that must spare them).</summary>
    public string IgnoreIp { get; init; } = "";
}
