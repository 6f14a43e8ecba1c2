using System.Globalization;
using System.Net.Sockets;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

/// <summary>
/// The tags of one ban's batch line, read straight from the ban: a batch line may hold only built-ins
/// and parameters with a pattern (<see cref="BatchReader"/>), so it needs neither the captures nor an
/// environment, and one instance serves every ban of a batch in turn (<see cref="Ban"/> is set per ban).
/// <see cref="TagValues.For"/> built a dictionary and an environment per ban: a restart's 100,000 bans
/// spent most of their time there.
/// </summary>
internal sealed class BanLineTags(TagValues common, DateTimeOffset now) : ITagSource
{
    public Ban? Ban { get; set; }

    public string Get(string tag)
    {
        if (Ban is not { } ban)
        {
            return common.Get(tag);
        }
        var ci = CultureInfo.InvariantCulture;
        var six = ban.Address.AddressFamily == AddressFamily.InterNetworkV6;
        // The same values as TagValues.For (a test compares the two for every built-in).
        return tag switch
        {
            TagNames.Ip => TagValues.Clean(ban.Target),
            TagNames.Family => six ? "inet6" : "inet4",
            TagNames.Remaining => TagValues.Remaining(ban, now).ToString(ci),
            TagNames.V6 => six ? "6" : "",
            TagNames.BanTime => ban.Duration is { } d ? ((long)d.TotalSeconds).ToString(ci) : "-1",
            TagNames.Failures => ban.Failures.ToString(ci),
            TagNames.Time => ban.Start.ToUnixTimeSeconds().ToString(ci),
            TagNames.Count => ban.Count.ToString(ci),
            _ => common.Get(tag),
        };
    }
}
