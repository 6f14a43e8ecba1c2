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
        // The regex timeout is wall-clock time: under load a GC pause or a descheduled thread made an
        // ordinary line time out, and a failure was lost (seen once or a few times in a million lines).
        // A second try tells the two apart: a stall seldom hits the same line twice, while a line that
        // really backtracks times out again, so it costs at most two timeouts.
        if ((TryMatch(line, now) ?? TryMatch(line, now)) is { } result)
        {
            return result;
        }
        FilterCounters.RegexTimeouts.Increment();
        return FilterResult.Missed;
    }

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
