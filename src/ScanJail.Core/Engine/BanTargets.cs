using System.Collections;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Engine;

/// <summary>
/// The targets of a jail's bans, read from the bans when they are written. The loop only copies the bans: with
/// 100,000 of them, turning each into its text there took the loop 4 to 6 ms, and the status's writer reads every
/// ban anyway. A <see cref="Ban"/> never changes, so reading it outside the loop is safe.
/// </summary>
internal sealed class BanTargets(IReadOnlyList<Ban> bans) : IReadOnlyList<string>
{
    public string this[int index] => bans[index].Target;

    public int Count => bans.Count;

    public IEnumerator<string> GetEnumerator()
    {
        foreach (var ban in bans)
        {
            yield return ban.Target;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
