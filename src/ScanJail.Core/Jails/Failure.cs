using System.Net;

namespace ScanJail.Core.Jails;

/// <summary>
/// One failure a filter found: in which jail, from which address, at the line's own time, with the
/// filter's named captures (attacker text) and the line itself (empty when the jail's actions quote no
/// lines, <see cref="Jail.KeepsLines"/>: only those keep it).
/// </summary>
public sealed record Failure(
    string Jail,
    IPAddress Address,
    DateTimeOffset Time,
    IReadOnlyDictionary<string, string> Fields,
    string Line,
    string? Origin = null);
