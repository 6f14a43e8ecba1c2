namespace ScanJail.Core.Control;

/// <summary><c>report</c>: the scanning sources the engine saw (attackalert failures) since <see cref="Since"/>, busiest first.</summary>
public sealed record ScanReport(DateTimeOffset Since, DateTimeOffset Now, int TotalSources, IReadOnlyList<ScanSource> Sources);

/// <summary>
/// One source: when it was seen, how many probes, which ports (as ranges, <c>1-1024,8080</c>),
/// protocols and scan kinds, and its bans (how many its probes set off, how long in all, and the one in force if
/// any: its own, or a network's that covers it, named in <see cref="BannedAs"/>).
/// </summary>
public sealed record ScanSource(
    string Address,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    long Probes,
    int PortCount,
    string Ports,
    IReadOnlyList<string> Protocols,
    IReadOnlyList<string> Kinds,
    IReadOnlyList<string> Jails,
    int Bans,
    TimeSpan BannedFor,
    DateTimeOffset? BannedUntil,
    bool BannedNow,
    string? BannedAs = null);
