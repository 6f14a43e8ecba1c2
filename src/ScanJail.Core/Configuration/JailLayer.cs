using ScanJail.Core.Bans;
using ScanJail.Core.Net;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// What one file says about one jail (or the <c>defaults:</c> block): each key is null when the file
/// does not set it, so files stack key by key, later over earlier, like jail.local over jail.conf.
/// </summary>
internal sealed record JailLayer
{
    /// <summary>The file this layer comes from; empty for the built-in defaults.</summary>
    public string File { get; init; } = "";

    /// <summary>The jail's name node (or the defaults key), where errors about the jail as a whole point.</summary>
    public YamlNode? Node { get; init; }

    /// <summary>True when the layer comes from DIR/jail.yaml, where a jail is enabled unless it says otherwise.</summary>
    public bool InMainFile { get; init; }

    /// <summary>Keys present in the file, valid or not (so a bad value is not also reported as missing).</summary>
    public IReadOnlySet<string> Given { get; init; } = new HashSet<string>();

    public Setting<bool>? Enabled { get; init; }
    public Setting<IReadOnlyList<SourceConfig>>? Sources { get; init; }
    public Setting<NamedReference>? Filter { get; init; }
    public Setting<TimeSpan>? FindTime { get; init; }
    public Setting<int>? MaxRetry { get; init; }
    public Setting<BanTimePolicy>? BanTime { get; init; }
    public Setting<IReadOnlyList<IpNetwork>>? IgnoreIp { get; init; }
    public Setting<bool>? IgnoreSelf { get; init; }
    public Setting<IReadOnlyList<NamedReference>>? Actions { get; init; }
    public Setting<DnsMode>? UseDns { get; init; }
    public Setting<BanPrefix>? BanPrefix { get; init; }

    /// <summary>This layer's keys where it has them, <paramref name="lower"/>'s otherwise.</summary>
    public JailLayer Over(JailLayer lower) => this with
    {
        Enabled = Enabled ?? lower.Enabled,
        Sources = Sources ?? lower.Sources,
        Filter = Filter ?? lower.Filter,
        FindTime = FindTime ?? lower.FindTime,
        MaxRetry = MaxRetry ?? lower.MaxRetry,
        BanTime = BanTime ?? lower.BanTime,
        IgnoreIp = IgnoreIp ?? lower.IgnoreIp,
        IgnoreSelf = IgnoreSelf ?? lower.IgnoreSelf,
        Actions = Actions ?? lower.Actions,
        UseDns = UseDns ?? lower.UseDns,
        BanPrefix = BanPrefix ?? lower.BanPrefix,
        Given = new HashSet<string>(Given.Concat(lower.Given), StringComparer.Ordinal),
    };
}
