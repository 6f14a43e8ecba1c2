using System.Globalization;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering;

/// <summary>
/// One configured pattern, compiled: <see cref="Screen"/> decides whether text matches,
/// <see cref="Extract"/> (the same pattern) gives positions and captures once it does.
/// Field groups are looked up once.
/// </summary>
internal sealed class CompiledPattern
{
    public CompiledPattern(Regex screen, Regex extract)
    {
        Screen = screen;
        Extract = extract;
        HostGroup = extract.GroupNumberFromName(HostPatterns.GroupName);
        Fields = [.. extract.GetGroupNames()
            .Where(n => !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _) && n != HostPatterns.GroupName)
            .Select(n => (n, extract.GroupNumberFromName(n)))];
    }

    public Regex Screen { get; }

    public Regex Extract { get; }

    /// <summary>True when the linear-time engine screens this pattern.</summary>
    public bool IsLinear => !ReferenceEquals(Screen, Extract);

    /// <summary>The named groups other than <c>host</c>: they become a failure's fields.</summary>
    public (string Name, int Number)[] Fields { get; }

    /// <summary>The group number of <c>host</c>, or -1.</summary>
    public int HostGroup { get; }
}
