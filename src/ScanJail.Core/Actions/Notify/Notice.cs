using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions.Notify;

/// <summary>One thing to deliver: a ban or an unban, or (<paramref name="Digest"/>) every ban of an interval at once.</summary>
internal sealed record Notice(ActionVerb Verb, IReadOnlyList<Ban> Bans, bool Digest)
{
    public string Describe() => Digest
        ? $"digest of {Bans.Count} bans"
        : $"{ActionLoader.VerbKey(Verb)} {(Bans.Count > 0 ? Bans[0].Address.ToString() : "")}";
}
