using ScanJail.Core.Net;

namespace ScanJail.Listener.Configuration;

/// <summary>The whole listener.yaml, validated.</summary>
/// <param name="Trigger">Alert once a source has probed this many distinct ports (1: at the first probe).</param>
/// <param name="Suppress">The same source, protocol and port is reported again only after this long.</param>
/// <param name="MaxSources">Sources tracked at once; the least recently seen is forgotten first.</param>
/// <param name="LinesPerSecond">Alert lines per second after the burst; past it, probes go into per-source summaries.</param>
/// <param name="Burst">Alert lines that may be written at once.</param>
public sealed record ListenerConfig(
    IReadOnlyList<ModeConfig> Modes,
    SyslogConfig Syslog,
    IReadOnlyList<IpNetwork> Ignore,
    bool Ipv4,
    bool Ipv6,
    int Trigger,
    TimeSpan Suppress,
    int MaxSources,
    int LinesPerSecond,
    int Burst,
    TimeSpan Rescan);
