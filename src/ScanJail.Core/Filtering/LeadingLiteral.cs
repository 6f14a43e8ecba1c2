namespace ScanJail.Core.Filtering;

/// <summary>
/// The text every match of an anchored pattern starts with, read from the pattern's own text: for
/// <c>^Failed (?:password|...) for</c> it is <c>"Failed "</c>. A line (after the prefix) that does
/// not start with it cannot match, which a span comparison tells without running any regex.
/// Conservative: anything it does not fully understand gives the empty string (no gate). It must
/// only ever give a string that every match starts with; a shorter one is merely a weaker gate.
/// Only for patterns compiled without IgnoreCase, multiline or free-spacing options, as the filter
/// compiles them (an inline option group starts with '(' and ends the literal before it applies).
/// </summary>
internal static class LeadingLiteral
{
    public static string Of(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        // Only ^ at the very start anchors where the literal must stand. A top-level '|' would make
        // the literal belong to the first alternative only; '#' may open a comment under (?x).
        if (pattern.Length < 2 || pattern[0] != '^' || pattern.Contains('#', StringComparison.Ordinal) || HasTopLevelAlternation(pattern))
        {
            return "";
        }
        var literal = new System.Text.StringBuilder();
        var i = 1;
        while (i < pattern.Length)
        {
            char c;
            int next;
            if (pattern[i] == '\\')
            {
                // An escaped ASCII punctuation character stands for itself; \d, \s, \b, \1, \x41... do not.
                if (i + 1 >= pattern.Length || !IsEscapableLiteral(pattern[i + 1]))
                {
                    break;
                }
                c = pattern[i + 1];
                next = i + 2;
            }
            else if (IsPlainLiteral(pattern[i]))
            {
                c = pattern[i];
                next = i + 1;
            }
            else
            {
                break;
            }
            // A quantifier after the character makes it optional or repeated: stop before it.
            if (next < pattern.Length && pattern[next] is '*' or '+' or '?' or '{')
            {
                break;
            }
            literal.Append(c);
            i = next;
        }
        return literal.ToString();
    }

    // Characters with no meaning outside a character class (in .NET's default syntax).
    private static bool IsPlainLiteral(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is ' ' or ':' or '-' or ',' or '\'' or '"' or '=' or '/' or '_' or '@' or '!' or '%' or '&' or '~' or '<' or '>' or ';' or '`';

    private static bool IsEscapableLiteral(char c) => char.IsAscii(c) && !char.IsAsciiLetterOrDigit(c) && !char.IsControl(c) && c != ' ';

    // Walks the pattern tracking escapes, character classes and group depth; unknown shapes
    // (a '[' inside a class: .NET's class subtraction) count as alternation, which disables the gate.
    private static bool HasTopLevelAlternation(string pattern)
    {
        var depth = 0;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (inClass)
            {
                if (c == '[')
                {
                    return true;
                }
                if (c == ']')
                {
                    inClass = false;
                }
                continue;
            }
            switch (c)
            {
                case '[':
                    inClass = true;
                    // A ']' right after '[' or '[^' is a literal member, not the end.
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        i++;
                    }
                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        i++;
                    }
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case '|' when depth == 0:
                    return true;
            }
        }
        return false;
    }
}
