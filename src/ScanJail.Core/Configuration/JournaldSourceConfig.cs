namespace ScanJail.Core.Configuration;

/// <summary>
/// <c>{ journald: { match: [FIELD=VALUE...], journalctl: PATH } }</c>: the journal through
/// <c>journalctl -f -o json MATCH...</c>, resuming from the cursor saved in the database.
/// <paramref name="Journalctl"/> is the program found when the configuration was read.
/// </summary>
public sealed record JournaldSourceConfig(IReadOnlyList<string> Matches, string Journalctl) : SourceConfig
{
    /// <summary>The key the cursor is saved under: the same matches resume the same place.</summary>
    public string Key => "journald:" + string.Join(' ', Matches);

    public bool Equals(JournaldSourceConfig? other) =>
        other is not null && Matches.SequenceEqual(other.Matches) && Journalctl == other.Journalctl;

    public override int GetHashCode() => HashCode.Combine(Matches.Count, Journalctl);
}
