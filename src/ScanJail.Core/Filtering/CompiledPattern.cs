using System.Globalization;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering;

/// <summary>
/// One configured pattern, checked and ready to compile: <see cref="Screen"/> decides whether text
/// matches, <see cref="Extract"/> (the same pattern) gives positions and captures once it does.
/// Both are built on first use (a compiled regex costs milliseconds to build and warm: `scanjail
/// regex` on a filter of 13 patterns spent half a second on patterns most logs never reach), or all
/// at once by <see cref="Prepare"/>. Field groups and <see cref="Lead"/> come from the parsed text.
/// Thread-safe: a regex built twice by a race is the same regex.
/// </summary>
internal sealed class CompiledPattern
{
    private readonly Lazy<Regex> _extract;
    private readonly Lazy<Regex> _screen;

    public CompiledPattern(Regex parsed, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        Text = parsed.ToString();
        HostGroup = parsed.GroupNumberFromName(HostPatterns.GroupName);
        Fields = [.. parsed.GetGroupNames()
            .Where(n => !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _) && n != HostPatterns.GroupName)
            .Select(n => (n, parsed.GroupNumberFromName(n)))];
        Leads = LeadingLiteral.Of(Text);
        _extract = new Lazy<Regex>(() => PatternCompiler.CompileExtract(Text, timeout), LazyThreadSafetyMode.PublicationOnly);
        _screen = new Lazy<Regex>(() => PatternCompiler.CompileScreen(Text, timeout) ?? _extract.Value, LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>The pattern as compiled (placeholders and parameters expanded).</summary>
    public string Text { get; }

    public Regex Screen => _screen.Value;

    public Regex Extract => _extract.Value;

    /// <summary>True when the linear-time engine screens this pattern.</summary>
    public bool IsLinear => !ReferenceEquals(Screen, Extract);

    /// <summary>The named groups other than <c>host</c>: they become a failure's fields.</summary>
    public (string Name, int Number)[] Fields { get; }

    /// <summary>The group number of <c>host</c>, or -1.</summary>
    public int HostGroup { get; }

    /// <summary>Texts one of which every match starts with (see <see cref="LeadingLiteral"/>); null when unknown.</summary>
    public string[]? Leads { get; }

    /// <summary>False when <paramref name="text"/> starts with none of <see cref="Leads"/>: the pattern cannot match it.</summary>
    public bool MayMatch(ReadOnlySpan<char> text)
    {
        if (Leads is not { } leads)
        {
            return true;
        }
        foreach (var lead in leads)
        {
            if (text.StartsWith(lead, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Builds both regexes now, so that no line pays for it.</summary>
    public void Prepare() => _ = Screen;
}
