namespace ScanJail.Listener.Configuration;

/// <summary>The body of attackalert lines: ScanJail's key=value, or portsentry 1.2's wording.</summary>
public enum AlertFormat
{
    Scanjail,
    Portsentry,
}
