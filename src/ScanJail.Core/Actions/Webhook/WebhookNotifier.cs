using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScanJail.Core.Actions.Notify;

namespace ScanJail.Core.Actions.Webhook;

/// <summary>
/// The <c>webhook</c> kind: an HTTP POST or PUT of a JSON body rendered from <c>ban_body</c> or
/// <c>unban_body</c>. Every tag value is JSON-escaped (with &lt; and &gt; as \u003C, \u003E, so
/// <c>&lt;/script&gt;</c> stays inert in a page), so attacker text stays inside its string. With a
/// secret, <c>signature_header: sha256=HEX</c> is the HMAC-SHA256 of the exact body bytes.
/// Any 2xx answer is delivered; anything else, a timeout or a refused connection is retried.
/// </summary>
internal sealed class WebhookNotifier(
    string jail, IReadOnlyDictionary<string, string> parameters, string hostName, TimeSpan timeout) : INotifier
{
    // One client for every webhook: connections are pooled and recycled (DNS changes), no redirects.
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AllowAutoRedirect = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly Uri _url = new(parameters.GetValueOrDefault(WebhookParameters.Url, ""));
    private readonly HttpMethod _method = parameters.GetValueOrDefault(WebhookParameters.Method) == "PUT" ? HttpMethod.Put : HttpMethod.Post;
    private readonly List<KeyValuePair<string, string>> _headers = WebhookParameters.ParseHeaders(parameters.GetValueOrDefault(WebhookParameters.Headers, ""));
    private readonly ArgTemplate _ban = ArgTemplate.Parse(parameters.GetValueOrDefault(WebhookParameters.BanBody, ""));
    private readonly ArgTemplate? _unban = parameters.GetValueOrDefault(WebhookParameters.UnbanBody, "") is { Length: > 0 } u ? ArgTemplate.Parse(u) : null;

    public bool Handles(ActionVerb verb) => verb == ActionVerb.Ban || (verb == ActionVerb.Unban && _unban is not null);

    /// <summary>A tag value as the inside of a JSON string.</summary>
    public static string JsonEscape(string value) => JsonEncodedText.Encode(value, JavaScriptEncoder.Default).ToString();

    public async Task<NotifyResult> SendAsync(Notice notice, CancellationToken cancellationToken)
    {
        var template = notice.Verb == ActionVerb.Unban ? _unban! : _ban;
        var body = NotifyTags.For(notice.Verb, notice.Bans[0], jail, parameters, hostName).Render(template, JsonEscape);
        try
        {
            using var _ = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            // Only a tag outside quotes can do this (a number tag filled with text): sending again would not help.
            return NotifyResult.Refused($"the rendered body is not JSON, not sent: {e.Message}");
        }
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(_method, _url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(parameters.GetValueOrDefault(WebhookParameters.ContentType, "application/json"));
        foreach (var (name, value) in _headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        try
        {
            if (await SecretAsync(cancellationToken) is { Length: > 0 } secret)
            {
                var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), bytes);
                request.Headers.TryAddWithoutValidation(parameters[WebhookParameters.SignatureHeader], "sha256=" + Convert.ToHexStringLower(mac));
            }
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
                if (response.IsSuccessStatusCode)
                {
                    return NotifyResult.Delivered;
                }
                return NotifyResult.Failed(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return NotifyResult.Failed($"no answer from {_url.Authority} within {timeout.TotalSeconds:0.#}s");
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException)
        {
            var text = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
            return NotifyResult.Failed(text.Length > 200 ? text[..200] + "…" : text);
        }
    }

    /// <summary>secret_file is read at each call, so a rotated secret needs no reload.</summary>
    private async Task<string> SecretAsync(CancellationToken cancellationToken) =>
        parameters.GetValueOrDefault(WebhookParameters.SecretFile, "") is { Length: > 0 } file
            ? (await File.ReadAllTextAsync(file, cancellationToken)).TrimEnd('\r', '\n')
            : parameters.GetValueOrDefault(WebhookParameters.Secret, "");
}
