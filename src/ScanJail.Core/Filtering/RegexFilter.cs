using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering;

/// <summary>
/// A filter of kind <c>regex</c>. Order per line: literal precheck, prefix (its end is where the
/// failregexes start: their <c>^</c> anchors there), then each failregex in order, ignoreregex on the
/// whole line, then the time. A failregex whose leading literals (<see cref="CompiledPattern.Leads"/>)
/// the rest of the line starts with none of is skipped without a scan; before the first one that
/// has no such literal, the failregexes' union (<see cref="PatternCompiler.TryCombine"/>) is tried in
/// one linear-time scan, so a line none matches costs one scan, not one per pattern. The result is
/// the first failregex that matches, as if each were tried in turn. Misses allocate nothing; a regex
/// timeout counts as a miss. Thread-safe: regexes are built once on first use, then immutable.
/// When the prefix and failregexes are exactly those a hand-written reader was written from
/// (<see cref="OpenSshReader.For"/>), that reader answers for them in one pass; a line it declines
/// goes through the regexes as above.
/// </summary>
internal sealed class RegexFilter(
    string name,
    LinePrecheck precheck,
    CompiledPattern? prefix,
    CompiledPattern[] failRegex,
    Lazy<Regex?> anyFailRegex,
    CompiledPattern[] ignoreRegex,
    LineClock clock,
    bool useReader = true,
    bool fields = true) : IFilter
{
    // Per failregex, the prefix's field names then the pattern's: one array shared by all its matches.
    private readonly Dictionary<CompiledPattern, string[]> _fieldNames = failRegex.Distinct().ToDictionary(
        p => p, p => (string[])[.. (prefix?.Fields ?? []).Concat(p.Fields).Select(f => f.Name)]);

    // Null when the patterns are not exactly the reader's; then every line goes through the regexes.
    private readonly OpenSshReader? _reader = useReader ? OpenSshReader.For(prefix, failRegex) : null;

    public string Name => name;

    /// <summary>Whether a hand-written reader answers for the patterns (see <see cref="OpenSshReader"/>).</summary>
    public bool HasReader => _reader is not null;

    /// <summary>Whether a match carries its captures (false: the <c>fields</c> argument, for when nothing reads them).</summary>
    public bool MakesFields => fields;

    /// <summary>The names of the captures a match may carry (the prefix's and every failregex's), made or not.</summary>
    public IEnumerable<string> FieldNames => _fieldNames.Values.SelectMany(names => names);

    /// <summary>The same filter with every line through the regexes (the reader's property tests compare the two).</summary>
    internal RegexFilter WithoutReader() => new(name, precheck, prefix, failRegex, anyFailRegex, ignoreRegex, clock, useReader: false, fields: fields);

    /// <summary>The same filter making captured fields.</summary>
    internal RegexFilter WithFields() => new(name, precheck, prefix, failRegex, anyFailRegex, ignoreRegex, clock, useReader, fields: true);

    public bool LinesIndependent => true;

    public IReadOnlyList<string>? RequiredLiterals => precheck.Literals;

    public void Prepare()
    {
        prefix?.Prepare();
        foreach (var pattern in failRegex.Concat(ignoreRegex))
        {
            pattern.Prepare();
        }
        _ = anyFailRegex.Value;
    }

    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FilterResult Match(string line, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(line);
        return TimeoutRetry.Match(this, line, now, static (filter, l, n) => filter.TryMatch(l, n));
    }

    /// <summary>
    /// The string overload's answer without a string for what the precheck or the reader decides (most lines
    /// of an sshd log); a line the reader declines goes through the regexes as a string.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FilterResult Match(ReadOnlySpan<char> line, DateTimeOffset now) =>
        TryDecide(line, now, out var decided)
            ? decided
            : TimeoutRetry.Match(this, line.ToString(), now, static (filter, l, n) => filter.TryRegexes(l, n));

    // Null when a regex timed out.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FilterResult? TryMatch(string line, DateTimeOffset now) =>
        TryDecide(line, now, out var decided) ? decided : TryRegexes(line, now);

    /// <summary>What the precheck or the OpenSSH reader decides without a regex; false when the regexes must answer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryDecide(ReadOnlySpan<char> line, DateTimeOffset now, out FilterResult result)
    {
        if (!precheck.Passes(line))
        {
            result = FilterResult.Missed;
            return true;
        }
        if (_reader is not null && OpenSshReader.Read(line) is { Outcome: not ReaderOutcome.Declined } read)
        {
            result = read.Outcome == ReaderOutcome.Missed ? FilterResult.Missed : FromReader(line, read, now);
            return true;
        }
        result = FilterResult.Missed;
        return false;
    }

    // The regexes, for a line the precheck passed and the reader declined. Null when a regex timed out.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FilterResult? TryRegexes(string line, DateTimeOffset now)
    {
        try
        {
            var start = 0;
            if (prefix is not null)
            {
                // One scan gives both whether the prefix matches and where it ends; the screen
                // finds the same match as the backtracking engine, without captures.
                var found = false;
                foreach (var m in prefix.Screen.EnumerateMatches(line))
                {
                    start = m.Index + m.Length;
                    found = true;
                    break;
                }
                if (!found)
                {
                    return FilterResult.Missed;
                }
            }
            var rest = line.AsSpan(start);
            var unionPassed = false;
            // Arrays, not IReadOnlyList: foreach over the interface allocates its enumerator on every line.
            foreach (var pattern in failRegex)
            {
                if (pattern.Leads is not null)
                {
                    if (!pattern.MayMatch(rest))
                    {
                        continue;
                    }
                }
                else if (!unionPassed)
                {
                    if (anyFailRegex.Value is { } union && !union.IsMatch(rest))
                    {
                        return FilterResult.Missed;
                    }
                    unionPassed = true;
                }
                if (!pattern.Screen.IsMatch(rest))
                {
                    continue;
                }
                // Only now pay for a Match object: the substring overload anchors ^ at the prefix's end.
                var match = pattern.Extract.Match(line, start, line.Length - start);
                if (!match.Success)
                {
                    continue;
                }
                foreach (var ignore in ignoreRegex)
                {
                    if (ignore.Screen.IsMatch(line))
                    {
                        return FilterResult.Ignored;
                    }
                }
                return MatchBuilder.Matched(match.Groups[pattern.HostGroup].Value, clock.TimeOf(line, now), fields ? Fields(line, pattern, match) : null);
            }
            return FilterResult.Missed;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    // What the regexes give for the reader's match: ignoreregex, the host, the time and the pattern's fields.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FilterResult FromReader(ReadOnlySpan<char> line, ReaderMatch read, DateTimeOffset now)
    {
        foreach (var ignore in ignoreRegex)
        {
            if (ignore.Screen.IsMatch(line))
            {
                return FilterResult.Ignored;
            }
        }
        var pattern = failRegex[read.Pattern];
        CapturedFields? captured = null;
        if (fields && pattern.Fields.Length > 0)
        {
            // The reader's patterns have no prefix fields, and name their groups user and sport only.
            var values = new string?[pattern.Fields.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var at = pattern.Fields[i].Name switch { "user" => read.User, "sport" => read.Port, _ => null };
                values[i] = at is { } range ? line[range].ToString() : null;
            }
            captured = new CapturedFields(_fieldNames[pattern], values);
        }
        return MatchBuilder.Matched(line[read.Host].ToString(), clock.TimeOf(line, now), captured);
    }

    private CapturedFields? Fields(string line, CompiledPattern pattern, Match match)
    {
        var prefixFields = prefix?.Fields ?? [];
        if (pattern.Fields.Length == 0 && prefixFields.Length == 0)
        {
            return null;
        }
        var values = new string?[prefixFields.Length + pattern.Fields.Length];
        if (prefixFields.Length > 0)
        {
            Copy(prefix!.Extract.Match(line), prefixFields, values, 0);
        }
        Copy(match, pattern.Fields, values, prefixFields.Length);
        return new CapturedFields(_fieldNames[pattern], values);
    }

    private static void Copy(Match match, (string Name, int Number)[] groups, string?[] values, int at)
    {
        for (var i = 0; i < groups.Length; i++)
        {
            var group = match.Groups[groups[i].Number];
            values[at + i] = group.Success ? group.Value : null;
        }
    }
}
