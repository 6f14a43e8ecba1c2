using System.Text;

namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// Rewrites a Python <c>re</c> pattern into .NET syntax where the two differ:
/// <c>(?P&lt;name&gt;</c> → <c>(?&lt;name&gt;</c>, <c>(?P=name)</c> → <c>\k&lt;name&gt;</c>, <c>\Z</c> → <c>\z</c>
/// (Python's <c>\Z</c> is the very end), <c>{,n}</c> → <c>{0,n}</c>, the flags <c>(?a)</c>/<c>(?u)</c>
/// dropped (.NET's classes are Unicode like Python 3's default; <c>(?a)</c> differs only on non-ASCII
/// digits and letters), and a mid-pattern <c>((?i)x)</c> read as fail2ban reads it (<c>(?i:x)</c>).
/// What .NET cannot express the same way (<c>(?L)</c>, <c>(?x)</c> mixed with the rest) is refused.
/// Inside character classes nothing is rewritten.
/// </summary>
public static class PythonRegex
{
    public static bool TryTranslate(string pattern, out string translated, out string? problem)
    {
        var result = new StringBuilder(pattern.Length + 16);
        problem = null;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                if (!inClass && next == 'Z')
                {
                    result.Append(@"\z");
                }
                else
                {
                    result.Append(c).Append(next);
                }
                i++;
                continue;
            }
            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }
                result.Append(c);
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                result.Append(c);
                // A ']' right after '[' or '[^' is a literal in both dialects.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    result.Append('^');
                    i++;
                }
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    result.Append(@"\]");
                    i++;
                }
                continue;
            }
            if (c == '{' && i + 1 < pattern.Length && pattern[i + 1] == ',')
            {
                result.Append("{0");
                continue;
            }
            if (c == '(' && i + 2 < pattern.Length && pattern[i + 1] == '?')
            {
                var rest = pattern.AsSpan(i + 2);
                if (rest.StartsWith("P<"))
                {
                    result.Append("(?<");
                    i += 3;
                    continue;
                }
                if (rest.StartsWith("P="))
                {
                    var end = pattern.IndexOf(')', i);
                    if (end < 0)
                    {
                        problem = $"(?P= at {i} is not closed";
                        break;
                    }
                    result.Append(@"\k<").Append(pattern, i + 4, end - i - 4).Append('>');
                    i = end;
                    continue;
                }
                if (TryFlags(pattern, i, out var flags, out var length))
                {
                    if (flags.Contains('L', StringComparison.Ordinal))
                    {
                        problem = "the flag (?L) (locale-dependent matching) has no .NET equivalent";
                        break;
                    }
                    var kept = flags.Replace("a", "", StringComparison.Ordinal).Replace("u", "", StringComparison.Ordinal);
                    if (kept.Length > 0)
                    {
                        // Python's global flags may stand anywhere in old patterns; .NET applies (?i) from
                        // where it stands to the end of the group, which for a leading flag (and for
                        // fail2ban's ((?i)x) idiom) is the same thing.
                        result.Append("(?").Append(kept).Append(')');
                    }
                    i += length - 1;
                    continue;
                }
            }
            result.Append(c);
        }
        translated = result.ToString();
        return problem is null;
    }

    /// <summary>A bare inline flag group such as <c>(?i)</c> or <c>(?ai)</c> at <paramref name="at"/>.</summary>
    private static bool TryFlags(string pattern, int at, out string flags, out int length)
    {
        var j = at + 2;
        while (j < pattern.Length && "aiLmsux".Contains(pattern[j], StringComparison.Ordinal))
        {
            j++;
        }
        if (j > at + 2 && j < pattern.Length && pattern[j] == ')')
        {
            flags = pattern[(at + 2)..j];
            length = j - at + 1;
            return true;
        }
        flags = "";
        length = 0;
        return false;
    }
}
