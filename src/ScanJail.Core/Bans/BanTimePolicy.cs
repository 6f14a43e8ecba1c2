namespace ScanJail.Core.Bans;

/// <summary>
/// How long a ban lasts. <paramref name="Base"/> null means permanent. For repeat offenders the
/// n-th ban lasts <c>Base * Factor^(n-1)</c>, capped at <paramref name="MaxTime"/> (fail2ban's
/// bantime.increment with its default multiplier formula).
/// </summary>
public sealed record BanTimePolicy(TimeSpan? Base, double Factor = 1, TimeSpan? MaxTime = null)
{
    public static BanTimePolicy Permanent { get; } = new((TimeSpan?)null);

    /// <summary>The length of the <paramref name="count"/>-th ban (1-based), or null when permanent.</summary>
    public TimeSpan? For(int count)
    {
        if (Base is not { } baseTime)
        {
            return null;
        }
        if (Factor <= 1 || count <= 1)
        {
            return baseTime;
        }
        var ticks = baseTime.Ticks * Math.Pow(Factor, count - 1);
        var max = MaxTime?.Ticks ?? TimeSpan.MaxValue.Ticks / 2;
        return TimeSpan.FromTicks((long)Math.Min(ticks, max));
    }
}
