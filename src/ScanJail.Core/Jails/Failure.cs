using System.Net;

namespace ScanJail.Core.Jails;

/// <summary>
/// One failure a filter found: in which jail, from which address, at the line's own time, with the
/// filter's named captures (attacker text) and the line itself (empty when the jail's actions quote no
/// lines, <see cref="Jail.KeepsLines"/>: only those keep it).
/// A value, not an object: a router's batch of failures is one array the loop reads in order, instead of one
/// object per failure made on the reading thread and first touched on the loop's (a replay makes 400,000 a second).
/// </summary>
public readonly record struct Failure(
    string Jail,
    IPAddress Address,
    DateTimeOffset Time,
    IReadOnlyDictionary<string, string> Fields,
    string Line,
    string? Origin = null);
