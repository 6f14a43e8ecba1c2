using System.Text;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// Python ConfigParser's <c>%(name)s</c> interpolation as fail2ban's files use it: each reference is
/// replaced by what <c>reference</c> returns for its name, and <c>%%</c> is a literal <c>%</c>.
/// Shared by the filter loader and the jail importer; each decides what a name means.
/// </summary>
internal static partial class PercentInterpolation
{
    [GeneratedRegex(@"%\(([^)]+)\)s", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    public static string Expand(string text, Func<string, string> reference)
    {
        var result = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '%' && i + 1 < text.Length && text[i + 1] == '%')
            {
                result.Append('%');
                i += 2;
                continue;
            }
            var match = text[i] == '%' ? Reference().Match(text, i) : Match.Empty;
            if (!match.Success || match.Index != i)
            {
                result.Append(text[i]);
                i++;
                continue;
            }
            result.Append(reference(match.Groups[1].Value));
            i += match.Length;
        }
        return result.ToString();
    }
}
