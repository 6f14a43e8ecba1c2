using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;

namespace ScanJail.Core.Engine;

/// <summary>A jail as a line router sees it: immutable, safe to use off the engine loop.</summary>
internal sealed record JailRoute(string Jail, IFilter Filter, TimeSpan FindTime, DnsMode UseDns = DnsMode.Warn);
