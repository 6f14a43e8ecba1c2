using System.Net;

namespace ScanJail.Core.Bans;

/// <summary>
/// A ban of one address in one jail. <paramref name="End"/> is null for a permanent ban.
/// <paramref name="Count"/> is this address's how-many-th ban in the jail (1 for the first), which
/// drives the bantime increment. <paramref name="Fields"/> are the captures of the failure that
/// triggered it (empty for a manual ban); they fill action tags such as <c>&lt;user&gt;</c>.
/// <paramref name="Lines"/> are the log lines that led to the ban (bounded, see <c>Jails.RecentLines</c>),
/// for notifications; not stored in the database, so null after a restart and for manual bans.
/// </summary>
public sealed record Ban(
    string Jail,
    IPAddress Address,
    DateTimeOffset Start,
    DateTimeOffset? End,
    int Failures,
    int Count,
    IReadOnlyDictionary<string, string> Fields,
    bool Manual = false,
    IReadOnlyList<string>? Lines = null)
{
    /// <summary>
    /// For a subnet ban (the jail's <c>banprefix</c>), the prefix length: <see cref="Address"/> is then the
    /// network's first address and the ban covers the whole network. Null for a single address.
    /// </summary>
    public int? Prefix { get; init; }

    /// <summary>What the firewall blocks: the address, or the network as CIDR (<c>2001:db8:1:2::/64</c>).</summary>
    public string Target => Prefix is { } prefix ? $"{Address}/{prefix.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : Address.ToString();

    public bool Permanent => End is null;

    /// <summary>The ban's length, or null when permanent.</summary>
    public TimeSpan? Duration => End - Start;

    public bool ExpiredAt(DateTimeOffset now) => End is { } end && end <= now;
}
