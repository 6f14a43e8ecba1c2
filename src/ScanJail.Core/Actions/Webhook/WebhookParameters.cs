using System.Text.Json;
using ScanJail.Core.Actions.Notify;

namespace ScanJail.Core.Actions.Webhook;

/// <summary>The parameters of the <c>webhook</c> kind, their defaults and their checks.</summary>
internal static class WebhookParameters
{
    public const string Url = "url";
    public const string Method = "method";
    public const string Headers = "headers";
    public const string Secret = "secret";
    public const string SecretFile = "secret_file";
    public const string SignatureHeader = "signature_header";
    public const string BanBody = "ban_body";
    public const string UnbanBody = "unban_body";
    public const string ContentType = "content_type";

    private const string DefaultBody =
        "{\"event\": \"<verb>\", \"jail\": \"<jail>\", \"ip\": \"<ip>\", \"failures\": <failures>, \"bantime\": <bantime>, " +
        "\"start\": \"<start>\", \"end\": \"<end>\", \"host\": \"<hostname>\", \"matches\": \"<matches>\"}";

    public static Dictionary<string, string> Defaults() => new(StringComparer.Ordinal)
    {
        [Url] = "",
        [Method] = "POST",
        [Headers] = "",
        [Secret] = "",
        [SecretFile] = "",
        [SignatureHeader] = "X-ScanJail-Signature",
        [BanBody] = DefaultBody,
        [UnbanBody] = DefaultBody,
        [ContentType] = "application/json",
    };

    public static void Validate(IReadOnlyDictionary<string, string> p, Action<string, string> error)
    {
        var url = p.GetValueOrDefault(Url, "");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            error(Url, $"give the endpoint as an absolute http:// or https:// address; found '{url}'");
        }
        if (p.GetValueOrDefault(Method, "") is not ("POST" or "PUT"))
        {
            error(Method, "expected POST or PUT");
        }
        ParseHeaders(p.GetValueOrDefault(Headers, ""), message => error(Headers, message));
        if (!IsToken(p.GetValueOrDefault(SignatureHeader, "")))
        {
            error(SignatureHeader, "expected a header name such as X-ScanJail-Signature");
        }
        var secretFile = p.GetValueOrDefault(SecretFile, "");
        if (secretFile.Length > 0 && !File.Exists(secretFile))
        {
            error(SecretFile, $"no such file '{secretFile}'");
        }
        if (secretFile.Length > 0 && p.GetValueOrDefault(Secret, "").Length > 0)
        {
            error(Secret, "give secret or secret_file, not both");
        }
        CheckBody(p.GetValueOrDefault(BanBody, ""), BanBody, error, required: true);
        CheckBody(p.GetValueOrDefault(UnbanBody, ""), UnbanBody, error, required: false);
    }

    /// <summary>"Name: value" lines; values are literal (no tags: a header is no place for log text).</summary>
    public static List<KeyValuePair<string, string>> ParseHeaders(string text, Action<string>? error = null)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? line[..colon].Trim() : "";
            var value = colon > 0 ? line[(colon + 1)..].Trim() : "";
            if (!IsToken(name) || value.Any(char.IsControl))
            {
                error?.Invoke($"each line must be 'Name: value', such as 'Authorization: Bearer abc'; found '{line}'");
                continue;
            }
            headers.Add(new(name, value));
        }
        return headers;
    }

    /// <summary>A body template must be JSON once every tag is filled (each value arrives JSON-escaped).</summary>
    private static void CheckBody(string template, string field, Action<string, string> error, bool required)
    {
        if (template.Length == 0)
        {
            if (required)
            {
                error(field, "give a JSON template, such as {\"ip\": \"<ip>\"}");
            }
            return;
        }
        try
        {
            using var _ = JsonDocument.Parse(NotifyTags.Sample("1").Render(ArgTemplate.Parse(template)));
        }
        catch (JsonException e)
        {
            error(field, $"not JSON once its tags are filled (put text tags inside quotes: \"<ip>\"): {e.Message}");
        }
    }

    private static bool IsToken(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));
}
