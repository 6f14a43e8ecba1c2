namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// A fail2ban filter as a jail or <c>scanjail regex</c> names it: <c>fail2ban:sshd</c>,
/// <c>fail2ban:sshd[mode=aggressive]</c>, or a path to a <c>.conf</c> file with the same
/// <c>[key=value, key="value"]</c> parameters.
/// </summary>
public sealed record Fail2BanReference(string Target, IReadOnlyDictionary<string, string> Parameters)
{
    public const string Scheme = "fail2ban:";

    /// <summary>True when <paramref name="text"/> names a fail2ban filter (the scheme, or a path ending in .conf with optional parameters).</summary>
    public static bool Looks(string text) =>
        text.StartsWith(Scheme, StringComparison.Ordinal) || StripParameters(text).EndsWith(".conf", StringComparison.Ordinal);

    public static bool TryParse(string text, out Fail2BanReference? reference, out string? problem)
    {
        reference = null;
        problem = null;
        var body = text.StartsWith(Scheme, StringComparison.Ordinal) ? text[Scheme.Length..] : text;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var open = body.IndexOf('[', StringComparison.Ordinal);
        if (open >= 0)
        {
            if (!body.EndsWith(']'))
            {
                problem = $"'{text}': parameters must end with ']' as in sshd[mode=aggressive]";
                return false;
            }
            foreach (var pair in SplitPairs(body[(open + 1)..^1]))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    problem = $"'{text}': parameter '{pair}' is not key=value";
                    return false;
                }
                parameters[pair[..equals].Trim()] = pair[(equals + 1)..].Trim().Trim('"', '\'');
            }
            body = body[..open];
        }
        if (body.Length == 0)
        {
            problem = $"'{text}': no filter name";
            return false;
        }
        reference = new Fail2BanReference(body, parameters);
        return true;
    }

    /// <summary>The filter file: a path as given, or NAME.conf in <paramref name="filterDir"/>.</summary>
    public string PathIn(string filterDir) =>
        Target.Contains('/', StringComparison.Ordinal) || Target.EndsWith(".conf", StringComparison.Ordinal)
            ? Target
            : System.IO.Path.Combine(filterDir, Target + ".conf");

    private static string StripParameters(string text)
    {
        var open = text.IndexOf('[', StringComparison.Ordinal);
        return open < 0 ? text : text[..open];
    }

    // Commas inside quotes belong to the value.
    private static IEnumerable<string> SplitPairs(string text)
    {
        var start = 0;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is null && c is '"' or '\'')
            {
                quote = c;
            }
            else if (quote == c)
            {
                quote = null;
            }
            else if (quote is null && c == ',')
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        if (text[start..].Trim().Length > 0)
        {
            yield return text[start..];
        }
    }
}
