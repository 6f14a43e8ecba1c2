using System.Globalization;
using ScanJail.Core.Bans;
using ScanJail.Core.Time;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Reads <c>bantime:</c>: a duration, <c>permanent</c> (or <c>-1</c>), or
/// <c>{ base: 1h, increment: { factor: 2, maxtime: 1w } }</c> for repeat offenders.
/// </summary>
internal static class BanTimeReader
{
    public const double MaxFactor = 1000;

    /// <summary>When increment gives no maxtime, bans grow up to a week (or stay at base when that is longer).</summary>
    public static readonly TimeSpan DefaultMaxTime = TimeSpan.FromDays(7);

    public static Setting<BanTimePolicy>? Read(MappingReader map, string key)
    {
        var node = map.Get(key);
        if (node is null)
        {
            return null;
        }
        var policy = node is YamlMappingNode ? ReadMapping(map.Mapping(key)!) : ReadBase(map, key);
        return policy is null ? null : new Setting<BanTimePolicy>(policy, map.File, node);
    }

    private static BanTimePolicy? ReadBase(MappingReader map, string key)
    {
        var text = map.Scalar(key);
        if (text is null)
        {
            return null;
        }
        if (!BanTimeText.TryParse(text, out var duration))
        {
            map.Error(map.Get(key), key, $"expected {DurationReader.Forms}, or permanent, found '{text}'");
            return null;
        }
        if (duration is { } d && d <= TimeSpan.Zero)
        {
            map.Error(map.Get(key), key, $"must be longer than zero (or permanent), found '{text}'");
            return null;
        }
        return new BanTimePolicy(duration);
    }

    private static BanTimePolicy? ReadMapping(MappingReader map)
    {
        var hasBase = map.Has("base");
        var policy = hasBase ? ReadBase(map, "base") : null;
        var increment = map.Mapping("increment");
        map.ReportUnknownKeys();
        if (!hasBase)
        {
            map.Error(map.Node, "base", "add base: DURATION (the first ban's length), for example base: 1h");
        }
        if (increment is null)
        {
            return policy;
        }
        var factor = Factor(increment);
        var maxTime = DurationReader.Read(increment, "maxtime");
        increment.ReportUnknownKeys();
        if (policy is null)
        {
            return null;
        }
        if (policy.Base is not { } baseTime)
        {
            increment.Errors.Add(increment.File, increment.Node, increment.Jail, increment.FieldPrefix, "a permanent ban cannot grow; remove increment or give base a duration");
            return null;
        }
        if (maxTime is not null && maxTime.Value < baseTime)
        {
            increment.Error(maxTime.Node, "maxtime", "must be at least base; a ban never grows shorter");
            return null;
        }
        if (factor is null)
        {
            return null;
        }
        var cap = maxTime?.Value ?? (baseTime > DefaultMaxTime ? baseTime : DefaultMaxTime);
        return new BanTimePolicy(baseTime, factor.Value, cap);
    }

    private static double? Factor(MappingReader map)
    {
        var text = map.Scalar("factor");
        if (text is null)
        {
            return 2;
        }
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var factor)
            || factor < 1 || factor > MaxFactor)
        {
            map.Error(map.Get("factor"), "factor", $"expected a number from 1 to {MaxFactor} (each repeat ban lasts factor times the last), found '{text}'");
            return null;
        }
        return factor;
    }
}
