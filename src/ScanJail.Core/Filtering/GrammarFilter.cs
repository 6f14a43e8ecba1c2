using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering;

/// <summary>
/// A filter of kind <c>grammar</c>: literal precheck, the named grammar on the whole line,
/// ignoreregex on the whole line, then the time. Thread-safe.
/// </summary>
internal sealed class GrammarFilter(
    string name,
    LinePrecheck precheck,
    LineGrammar grammar,
    CompiledPattern[] ignoreRegex,
    LineClock clock) : IFilter
{
    public string Name => name;

    public bool LinesIndependent => true;

    public IReadOnlyList<string>? RequiredLiterals => precheck.Literals;

    public void Prepare()
    {
        foreach (var ignore in ignoreRegex)
        {
            ignore.Prepare();
        }
    }

    public FilterResult Match(string line, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(line);
        return TimeoutRetry.Match(this, line, now, static (filter, l, n) => filter.TryMatch(l, n));
    }

    // The precheck needs no string: most lines of a shared log are another filter's and stop there.
    public FilterResult Match(ReadOnlySpan<char> line, DateTimeOffset now) =>
        precheck.Passes(line) ? Match(line.ToString(), now) : FilterResult.Missed;

    // Null when a regex timed out.
    private FilterResult? TryMatch(string line, DateTimeOffset now)
    {
        if (!precheck.Passes(line))
        {
            return FilterResult.Missed;
        }
        var found = grammar.Read(line);
        if (found is null)
        {
            return FilterResult.Missed;
        }
        try
        {
            foreach (var ignore in ignoreRegex)
            {
                if (ignore.Screen.IsMatch(line))
                {
                    return FilterResult.Ignored;
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
        return MatchBuilder.Matched(found.Host, clock.TimeOf(line, now), found.Fields);
    }
}
