namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>What a filter remembers about one <c>F-MLFID</c> (one connection, one session) between lines.</summary>
internal sealed class MultiLineFailure(Dictionary<string, string> values)
{
    public Dictionary<string, string> Values { get; } = values;

    public HashSet<string> Users { get; } = new(StringComparer.Ordinal);
}
