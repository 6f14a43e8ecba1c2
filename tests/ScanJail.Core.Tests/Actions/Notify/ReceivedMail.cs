using System.Text;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Tests.Actions.Notify;

/// <summary>A message as a Maildir holds it: headers (unfolded), the decoded subject and the base64 body decoded.</summary>
internal sealed partial record ReceivedMail(IReadOnlyDictionary<string, string> Headers, string Subject, string Body)
{
    public static ReceivedMail Parse(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = Regex.Replace(text[..split], "\n[ \t]+", " ");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.TryAdd(line[..colon], line[(colon + 1)..].Trim());
        }
        var subject = string.Concat(EncodedWord().Matches(headers["Subject"]).Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value))));
        var body = Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(text[(split + 2)..].Split('\n').Select(l => l.Trim()))));
        return new ReceivedMail(headers, subject, body.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"=\?utf-8\?B\?([^?]*)\?=")]
    private static partial Regex EncodedWord();
}
