using ScanJail.Core.Actions;

namespace ScanJail.Core.Control;

// What travels over the control socket, as JSON (camelCase). Addresses are strings here.

/// <summary><c>status</c>: the jails.</summary>
public sealed record EngineStatus(IReadOnlyList<string> Jails);

/// <summary><c>status JAIL</c>, the figures fail2ban-client shows, plus the actions' health.</summary>
public sealed record JailStatus(
    string Jail,
    int CurrentlyFailed,
    long TotalFailed,
    IReadOnlyList<string> Sources,
    int CurrentlyBanned,
    long TotalBanned,
    IReadOnlyList<string> BannedAddresses,
    IReadOnlyList<ActionHealth> Actions)
{
    /// <summary>Where the failures came from (syslog and journal sources), when any carried an origin.</summary>
    public IReadOnlyList<OriginInfo>? Origins { get; init; }
}

/// <summary>One origin of a jail's failures: the sending host, how many failures it reported, and the banned addresses it reported last.</summary>
public sealed record OriginInfo(string Origin, long Failures, IReadOnlyList<string> Banned);

/// <summary>One active ban, for <c>banned</c>.</summary>
public sealed record BanInfo(string Jail, string Address, DateTimeOffset Start, DateTimeOffset? End, int Failures, int Count, bool Manual);

/// <summary><c>stats</c>: engine-wide counters (names such as <c>lines.read</c>) and every action's health.</summary>
public sealed record EngineStats(DateTimeOffset StartedAt, IReadOnlyDictionary<string, long> Counters, IReadOnlyList<ActionHealth> Actions);

/// <summary>The answer to a command that changes something.</summary>
public sealed record ControlOutcome(bool Ok, string Message, IReadOnlyList<string>? Errors = null);
