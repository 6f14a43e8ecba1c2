namespace ScanJail.Listener.Configuration;

/// <summary>
/// One watched protocol: the mode, its ports (for atcp/audp every port of <see cref="Ports"/> that
/// no local service listens on), the ports never watched, and an optional banner sent on connect (tcp mode).
/// </summary>
public sealed record ModeConfig(ListenMode Mode, PortSet Ports, PortSet Exclude, string? Banner);
