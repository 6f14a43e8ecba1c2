namespace ScanJail.Core.Configuration;

/// <summary>
/// A jail's <c>usedns</c> (fail2ban's setting of the same name): what to do when a filter captures a
/// host name instead of an address. <see cref="Warn"/> is the default, as in fail2ban.
/// </summary>
public enum DnsMode
{
    /// <summary>Drop the failure and count it (<c>failures.dns-dropped</c>).</summary>
    No,

    /// <summary>As <see cref="No"/>, and log a warning once per name per minute.</summary>
    Warn,

    /// <summary>Resolve the name, off the line router's path; each address it resolves to is a failure.</summary>
    Yes,
}
