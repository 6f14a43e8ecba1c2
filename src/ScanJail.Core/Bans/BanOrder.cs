namespace ScanJail.Core.Bans;

/// <summary>
/// Bans oldest first. They are mostly kept and stored in the order they were made, so a list of 100,000 (a status, a
/// restart's read) is usually in order already: checked in one pass, and sorted (stable) only when it is not.
/// </summary>
internal static class BanOrder
{
    public static IReadOnlyList<Ban> ByStart(IReadOnlyList<Ban> bans) => InOrder(bans) ? bans : [.. bans.OrderBy(b => b.Start)];

    private static bool InOrder(IReadOnlyList<Ban> bans)
    {
        for (var i = 1; i < bans.Count; i++)
        {
            if (bans[i - 1].Start.UtcTicks > bans[i].Start.UtcTicks)
            {
                return false;
            }
        }
        return true;
    }
}
