using ScanJail.Core.Actions;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Engine;

/// <summary>A jail's action as the engine hands it out: its items wait in <see cref="ActionRelease"/> while the loop's database batch is open.</summary>
internal sealed class HeldAction(IJailAction inner, ActionRelease release) : IJailAction
{
    public string Name => inner.Name;

    public ActionHealth Health => inner.Health;

    public void Enqueue(ActionVerb verb, Ban? ban)
    {
        if (!release.TryHold(inner, verb, ban))
        {
            inner.Enqueue(verb, ban);
        }
    }

    public Task DrainAsync(CancellationToken cancellationToken) => inner.DrainAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
