using System.Net;

namespace ScanJail.Core.Control;

/// <summary>
/// What the control socket may ask of the running engine. Implemented by the engine; every call
/// that changes state goes through the same path as detected failures (one owner of the ban book).
/// </summary>
public interface IEngineControl
{
    EngineStatus GetStatus();

    /// <returns>null when no enabled jail has that name.</returns>
    JailStatus? GetJailStatus(string jail);

    /// <param name="duration">The ban's length; null means the jail's own bantime.</param>
    /// <param name="permanent">Ban for ever (overrides <paramref name="duration"/>).</param>
    Task<ControlOutcome> BanAsync(string jail, IPAddress address, TimeSpan? duration, bool permanent, CancellationToken cancellationToken);

    /// <param name="jail">Only this jail; null means every jail that bans the address.</param>
    Task<ControlOutcome> UnbanAsync(IPAddress address, string? jail, CancellationToken cancellationToken);

    Task<ControlOutcome> UnbanAllAsync(CancellationToken cancellationToken);

    /// <param name="address">Only the bans of this address; null means all.</param>
    IReadOnlyList<BanInfo> GetBanned(IPAddress? address);

    /// <summary>Re-reads the configuration; a broken one is refused with its errors and the running one stays.</summary>
    Task<ControlOutcome> ReloadAsync(string? jail, CancellationToken cancellationToken);

    EngineStats GetStats();

    /// <summary>The port-scanning sources seen (attackalert failures) in the last <paramref name="since"/>, the <paramref name="top"/> busiest.</summary>
    ScanReport GetScanReport(TimeSpan since, int top);
}
