namespace ScanJail.Listener.Configuration;

/// <summary>portsentry's six modes: bound (tcp, udp), stealth on listed ports (stcp, sudp), advanced on every unused port (atcp, audp).</summary>
public enum ListenMode
{
    Tcp,
    Udp,
    Stcp,
    Sudp,
    Atcp,
    Audp,
}
