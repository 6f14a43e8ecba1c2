using ScanJail.Core.Jails;

namespace ScanJail.Core.Engine;

/// <summary>A failure waiting for its host name to be resolved; <see cref="Failure.Address"/> is a placeholder until then.</summary>
internal sealed record HostLookup(Failure Failure, string Host);
