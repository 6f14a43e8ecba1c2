namespace ScanJail.Core.Filtering;

/// <summary>
/// What <c>&lt;HOST&gt;</c> and <c>&lt;ADDR&gt;</c> stand for in a filter pattern: a named group
/// <c>host</c> capturing an address-shaped token. The text is only a shape; the captured text is
/// parsed strictly afterwards (<see cref="Net.AddressParser"/>), so the shapes can stay simple.
/// </summary>
public static class HostPatterns
{
    public const string GroupName = "host";

    // Shapes without counted repetition ({m,n}): the NonBacktracking engine expands counters into
    // states, which made matching several times slower. Strict checking happens after the match.
    // IPv6 with an optional embedded IPv4 tail ("2001:db8::1", "::1", "::ffff:192.0.2.1").
    private const string IPv6 = @"[0-9A-Fa-f]*:[0-9A-Fa-f:]*:(?:[0-9A-Fa-f]+|[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)?";
    private const string IPv4 = @"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+";
    // A DNS name (labels joined by dots, no trailing dot); also covers a dotted quad, which is why
    // IPv4 needs no branch of its own in HOST.
    private const string HostName = @"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*";

    /// <summary>An IP address or a host name (so a tester can show names; only addresses ever become failures).</summary>
    public const string Host = "(?<" + GroupName + ">" + IPv6 + "|" + HostName + ")";

    /// <summary>An IP address only.</summary>
    public const string Addr = "(?<" + GroupName + ">" + IPv6 + "|" + IPv4 + ")";

    public static string Expand(string pattern) =>
        pattern.Replace("<HOST>", Host, StringComparison.Ordinal).Replace("<ADDR>", Addr, StringComparison.Ordinal);
}
