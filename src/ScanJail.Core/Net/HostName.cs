namespace ScanJail.Core.Net;

/// <summary>
/// Whether captured text is a DNS host name worth resolving (fail2ban's <c>&lt;DNS&gt;</c> part of
/// <c>&lt;HOST&gt;</c>): letters, digits and '-' in dot-separated labels of 1 to 63 characters, at most
/// 253 in all, with a letter somewhere and a last label that is not all digits, so that an F-ID such
/// as <c>12345</c> or a short address such as <c>10.1</c> is never taken for a name.
/// </summary>
public static class HostName
{
    public static bool Looks(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 254)
        {
            return false;
        }
        var name = text.EndsWith('.') ? text[..^1] : text;
        if (name.Length is 0 or > 253)
        {
            return false;
        }
        var labels = name.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }
        return name.Any(char.IsAsciiLetter) && !labels[^1].All(char.IsAsciiDigit);
    }
}
