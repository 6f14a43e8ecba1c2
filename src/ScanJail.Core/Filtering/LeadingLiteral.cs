using System.Text;

namespace ScanJail.Core.Filtering;

/// <summary>
/// The texts one of which every match of an anchored pattern starts with, read from the pattern's
/// own text: <c>"Failed "</c> for <c>^Failed (?:password|...) for</c>; <c>"error: maximum"</c> and
/// <c>"maximum"</c> for <c>^(?:error: )?maximum</c>. A line (after the prefix) that starts with none of
/// them cannot match, which span comparisons tell without running any regex. Conservative: a pattern
/// it does not fully understand gets null (no gate). It must only ever give texts such that every
/// match starts with one of them; shorter ones are merely a weaker gate. An empty set means the
/// pattern can match nothing (<c>^[^\s\S]</c>, how a filter switches a pattern off by a parameter).
/// Only for patterns compiled without IgnoreCase, multiline or free-spacing options, as the filter
/// compiles them (an inline option group starts with '(' and ends the literal before it applies).
/// </summary>
internal static class LeadingLiteral
{
    private static readonly string[] Never = [];

    public static string[]? Of(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        // Only ^ at the very start anchors where the literal must stand. A top-level '|' would make
        // the literal belong to the first alternative only; '#' may open a comment under (?x).
        if (pattern.Length < 2 || pattern[0] != '^' || pattern.Contains('#', StringComparison.Ordinal) || HasAlternation(pattern, 0, pattern.Length))
        {
            return null;
        }
        // A class of no character, not made optional by a quantifier: nothing can match.
        if ((pattern.AsSpan(1).StartsWith(@"[^\s\S]", StringComparison.Ordinal) || pattern.AsSpan(1).StartsWith(@"[^\S\s]", StringComparison.Ordinal))
            && !(pattern.Length > 8 && pattern[8] is '*' or '?' or '{'))
        {
            return Never;
        }
        if (pattern.StartsWith("^(?:", StringComparison.Ordinal))
        {
            return OfGroup(pattern);
        }
        var (literal, _) = Read(pattern, 1, pattern.Length);
        return literal.Length > 0 ? [literal] : null;
    }

    // ^(?:A|B...)REST or ^(?:A|B...)?REST: each alternative's literal, followed by REST's literal
    // when the alternative is all literal; with '?', REST's literal alone as well.
    private static string[]? OfGroup(string pattern)
    {
        var close = GroupEnd(pattern, 1);
        if (close < 0)
        {
            return null;
        }
        var after = close + 1;
        var optional = after < pattern.Length && pattern[after] == '?';
        if (optional)
        {
            after++;
            if (after < pattern.Length && pattern[after] == '?')
            {
                after++; // lazy '??' is optional too
            }
        }
        else if (after < pattern.Length && pattern[after] is '*' or '+' or '{')
        {
            return null;
        }
        var (rest, _) = Read(pattern, after, pattern.Length);
        var leads = new List<string>();
        foreach (var (start, end) in Alternatives(pattern, 4, close))
        {
            var (literal, whole) = Read(pattern, start, end);
            var lead = whole ? literal + rest : literal;
            if (lead.Length == 0)
            {
                return null;
            }
            leads.Add(lead);
        }
        if (optional)
        {
            if (rest.Length == 0)
            {
                return null;
            }
            leads.Add(rest);
        }
        return [.. leads];
    }

    // The literal characters from start, and whether they run all the way to end.
    private static (string Literal, bool Whole) Read(string pattern, int start, int end)
    {
        var literal = new StringBuilder();
        var i = start;
        while (i < end)
        {
            char c;
            int next;
            if (pattern[i] == '\\')
            {
                // An escaped ASCII punctuation character stands for itself; \d, \s, \b, \1, \x41... do not.
                if (i + 1 >= end || !IsEscapableLiteral(pattern[i + 1]))
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
        return (literal.ToString(), i == end);
    }

    // Characters with no meaning outside a character class (in .NET's default syntax).
    private static bool IsPlainLiteral(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is ' ' or ':' or '-' or ',' or '\'' or '"' or '=' or '/' or '_' or '@' or '!' or '%' or '&' or '~' or '<' or '>' or ';' or '`';

    private static bool IsEscapableLiteral(char c) => char.IsAscii(c) && !char.IsAsciiLetterOrDigit(c) && !char.IsControl(c) && c != ' ';

    // The index of the ')' closing the group opened at open, or -1.
    private static int GroupEnd(string pattern, int open)
    {
        var depth = 0;
        var found = -1;
        Walk(pattern, open, pattern.Length, (i, c, d) =>
        {
            if (found >= 0)
            {
                return;
            }
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                found = i;
            }
        });
        return found;
    }

    // The alternatives of [start, end) split at its own (depth 0) '|'.
    private static List<(int Start, int End)> Alternatives(string pattern, int start, int end)
    {
        var parts = new List<(int, int)>();
        var from = start;
        Walk(pattern, start, end, (i, c, depth) =>
        {
            if (c == '|' && depth == 0)
            {
                parts.Add((from, i));
                from = i + 1;
            }
        });
        parts.Add((from, end));
        return parts;
    }

    private static bool HasAlternation(string pattern, int start, int end)
    {
        var found = false;
        Walk(pattern, start, end, (_, c, depth) => found |= c == '|' && depth == 0);
        return found;
    }

    // Calls visit(index, char, depth before it) for every character outside escapes and character
    // classes. Unknown shapes (a '[' inside a class: .NET's class subtraction) are reported as a
    // top-level '|', which turns the gate off.
    private static void Walk(string pattern, int start, int end, Action<int, char, int> visit)
    {
        var depth = 0;
        var inClass = false;
        for (var i = start; i < end; i++)
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
                    visit(i, '|', 0);
                }
                else if (c == ']')
                {
                    inClass = false;
                }
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                // A ']' right after '[' or '[^' is a literal member, not the end.
                if (i + 1 < end && pattern[i + 1] == '^')
                {
                    i++;
                }
                if (i + 1 < end && pattern[i + 1] == ']')
                {
                    i++;
                }
                continue;
            }
            visit(i, c, depth);
            depth += c switch
            {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
        }
    }
}
