using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Core.Jails;

namespace ScanJail.Core.Engine;

/// <summary>
/// A jail as a line router sees it: immutable, safe to use off the engine loop. <paramref name="Key"/>
/// says which filter it runs: two jails with equal keys (the same filter with the same parameters, say
/// a counting jail and a repeat-offender jail on one auth.log) get the same answer for every line, so
/// the router asks only the first. <paramref name="KeepsLines"/>: whether the jail's failures carry their
/// line (<see cref="Jail.KeepsLines"/>); without, a failure waiting for the loop holds no line string.
/// </summary>
internal sealed record JailRoute(string Jail, IFilter Filter, TimeSpan FindTime, DnsMode UseDns = DnsMode.Warn, FilterKey? Key = null, bool KeepsLines = true)
{
    public static JailRoute Of(Jail jail) =>
        new(jail.Name, jail.Filter, jail.Config.FindTime, jail.Config.UseDns, new FilterKey(jail.Config.Filter, FilterKey.Text(jail.Config.FilterParameters)), jail.KeepsLines);
}

/// <summary>A filter definition and the parameters a jail gives it: what decides a filter's answers.</summary>
internal sealed record FilterKey(FilterDefinition Definition, string Parameters)
{
    public static string Text(IReadOnlyDictionary<string, string> parameters) =>
        string.Join("\n", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key.Length}:{p.Key}={p.Value}"));
}
