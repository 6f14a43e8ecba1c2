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

    /// <summary>
    /// The string overload's answer without a string where the precheck decides (most lines of a shared log
    /// are another filter's) or the grammar reads the characters whole with no ignoreregex to run.
    /// </summary>
    public FilterResult Match(ReadOnlySpan<char> line, DateTimeOffset now)
    {
        if (!precheck.Passes(line))
        {
            return FilterResult.Missed;
        }
        if (ignoreRegex.Length == 0 && grammar.ReadChars is { } read && read(line, out var found))
        {
            return found is null ? FilterResult.Missed : MatchBuilder.Matched(found.Host, clock.TimeOf(line, now), found.Fields);
        }
        return TimeoutRetry.Match(this, line.ToString(), now, static (filter, l, n) => filter.TryGrammar(l, n));
    }

    // Null when a regex timed out.
    private FilterResult? TryMatch(string line, DateTimeOffset now) =>
        precheck.Passes(line) ? TryGrammar(line, now) : FilterResult.Missed;

    // The grammar and the ignoreregexes, for a line the precheck passed. Null when a regex timed out.
    private FilterResult? TryGrammar(string line, DateTimeOffset now)
    {
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
