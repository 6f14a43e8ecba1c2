using ScanJail.Core.Net;
using ScanJail.Core.Sources.Syslog;

namespace ScanJail.Core.Configuration;

/// <summary>
/// A syslog receiver: <c>{ syslog: ADDRESS, allow: [CIDR...], maxline: N }</c>. An empty
/// <paramref name="Allow"/> takes every sender, which the configuration permits only on a loopback
/// address or a unix socket; otherwise senders outside it are refused and counted.
/// </summary>
public sealed record SyslogSourceConfig(SyslogAddress Address, IReadOnlyList<IpNetwork> Allow, int MaxLineLength = 8192) : SourceConfig
{
    public bool Equals(SyslogSourceConfig? other) =>
        other is not null && Address == other.Address && Allow.SequenceEqual(other.Allow) && MaxLineLength == other.MaxLineLength;

    public override int GetHashCode() => HashCode.Combine(Address, Allow.Count, MaxLineLength);
}
