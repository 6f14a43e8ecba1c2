using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Filtering;
using ScanJail.Core.Net;

namespace ScanJail.Core.Configuration;

/// <summary>One jail, validated and resolved: its filter and actions are loaded definitions.</summary>
public sealed record JailConfig(
    string Name,
    bool Enabled,
    IReadOnlyList<SourceConfig> Sources,
    FilterDefinition Filter,
    IReadOnlyDictionary<string, string> FilterParameters,
    TimeSpan FindTime,
    int MaxRetry,
    BanTimePolicy BanTime,
    IReadOnlyList<IpNetwork> IgnoreIp,
    bool IgnoreSelf,
    IReadOnlyList<ActionConfig> Actions)
{
    /// <summary><c>usedns</c>: what a captured host name becomes (see <see cref="DnsMode"/>).</summary>
    public DnsMode UseDns { get; init; } = DnsMode.Warn;
    /// <summary><c>banprefix</c>: ban the address's network instead of the address; null bans single addresses.</summary>
    public BanPrefix? BanPrefix { get; init; }
}

/// <summary>Where a jail reads lines from. Other kinds (syslog, journald, stdin) come later.</summary>
public abstract record SourceConfig;

/// <summary>
/// A file path or glob. <paramref name="FromStart"/>: read a file seen for the first time from its
/// beginning instead of its end. <paramref name="MaxLineLength"/>: longer lines are dropped and counted.
/// </summary>
public sealed record FileSourceConfig(string Path, bool FromStart = false, int MaxLineLength = 8192) : SourceConfig;

/// <summary>The whole configuration: the directory it came from and every jail (enabled or not).</summary>
public sealed record EngineConfig(string Directory, IReadOnlyList<JailConfig> Jails)
{
    public IEnumerable<JailConfig> EnabledJails => Jails.Where(j => j.Enabled);
}
