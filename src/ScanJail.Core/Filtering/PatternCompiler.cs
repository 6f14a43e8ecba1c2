using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering;

/// <summary>
/// Compiles a configured pattern twice, both with the match timeout: a screen with the linear-time
/// NonBacktracking engine when the pattern allows it (no backreferences, lookarounds, atomic
/// groups...), which decides whether a line matches whatever the line holds; and compiled
/// backtracking, which extracts the captures from lines the screen already accepted (NonBacktracking
/// captures were measured ten times slower). A pattern NonBacktracking cannot run uses compiled
/// backtracking for both. <see cref="TryCompile"/> only parses (cheap) and never throws: a bad pattern
/// comes back as a problem text; the two regexes are built when first needed.
/// </summary>
internal static class PatternCompiler
{
    public static CompiledPattern? TryCompile(string pattern, TimeSpan timeout, out string? problem)
    {
        problem = null;
        Regex parsed;
        try
        {
            // The interpreter's constructor parses like the compiled one, without emitting code.
            parsed = new Regex(pattern, RegexOptions.CultureInvariant, timeout);
        }
        catch (ArgumentException e)
        {
            problem = $"not a valid regular expression: {e.Message}";
            return null;
        }
        return new CompiledPattern(parsed, timeout);
    }

    /// <summary>Compiled backtracking, warmed up.</summary>
    public static Regex CompileExtract(string pattern, TimeSpan timeout) =>
        Built(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, timeout);

    /// <summary>NonBacktracking, warmed up; null when the pattern needs backtracking.</summary>
    public static Regex? CompileScreen(string pattern, TimeSpan timeout)
    {
        try
        {
            return Built(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, timeout);
        }
        catch (NotSupportedException)
        {
            // Backreferences and the like need backtracking; the timeout is then the only guard.
            return null;
        }
    }

    /// <summary>
    /// One linear-time regex that matches where any of <paramref name="patterns"/> does (each in its
    /// own group, so inline options and anchors keep their scope): a line none matches costs one scan
    /// instead of one per pattern, which is most lines. Null when there is nothing to gain (one
    /// pattern), when a pattern needs backtracking (the union then cannot be built either), or when it
    /// has a '#' (a comment under inline <c>(?x)</c> would swallow the closing parenthesis).
    /// </summary>
    public static Regex? TryCombine(IReadOnlyList<CompiledPattern> patterns, TimeSpan timeout)
    {
        if (patterns.Count < 2 || patterns.Any(p => p.Text.Contains('#', StringComparison.Ordinal)))
        {
            return null;
        }
        var text = string.Join("|", patterns.Select(p => "(?:" + p.Text + ")"));
        try
        {
            return Built(text, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, timeout);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // Each pattern compiled alone; should their union not, the filter screens them one by one.
            return null;
        }
    }

    // A regex built and warmed up once per pattern, options and timeout (RegexCache).
    private static Regex Built(string pattern, RegexOptions options, TimeSpan timeout) =>
        RegexCache.GetOrBuild(pattern, options, timeout, () =>
        {
            var regex = new Regex(pattern, options, timeout);
            WarmUp(regex);
            return regex;
        });

    // The first match JIT-compiles the regex inside the timed scan; on a loaded machine that alone
    // can exceed the timeout and lose a real line. Pay it here instead.
    private static void WarmUp(Regex regex)
    {
        try
        {
            regex.IsMatch("warm-up 192.0.2.1 port 22");
            _ = regex.Match("warm-up 192.0.2.1 port 22");
        }
        catch (RegexMatchTimeoutException)
        {
            // Only a warm-up: a slow first run here is harmless.
        }
    }
}
