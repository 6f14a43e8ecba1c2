using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Actions;
using ScanJail.Core.Actions.Notify;
using ScanJail.Core.Actions.Webhook;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Tests.Actions.Notify;

/// <summary>The webhook kind against a real HTTP server on loopback.</summary>
public sealed class WebhookActionTests
{
    private static readonly ActionRetryOptions FastRetry = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), 20);

    private static IJailAction Hook(WebhookServer server, Dictionary<string, string>? more = null)
    {
        var parameters = new Dictionary<string, string>(more ?? []) { ["url"] = server.Url.ToString() };
        return Fixtures.Create("kind: webhook\ntimeout: 5s\nparameters: { note: literal }\n", retry: FastRetry, parameters: parameters, name: "webhook");
    }

    private static readonly string[] Hostile =
    [
        "quote \" and backslash \\ and \\\" together",
        "new\nline\r\nand\ttab and \u0001 control",
        "</script><script>alert(1)</script>",
        "\"}, \"admin\": true, \"x\": {\"",
        "Ünïcödé 🚀 \u2028 \u2029",
        "\u001b[31mred\u001b[0m\u001b]0;title\u0007 and NUL \0 inside",
        "a;touch x|b&c$(id)`id`>y<z*?~!#{a,b}",
        new string('x', 64 * 1024) + "\"\\",
    ];

    [Fact]
    public async Task A_ban_is_posted_with_the_body_headers_and_a_valid_hmac_signature()
    {
        await using var server = await WebhookServer.StartAsync();
        await using var action = Hook(server, new()
        {
            ["secret"] = "k3y",
            ["headers"] = "Authorization: Bearer abc\nX-Source: scanjail",
            ["ban_body"] = "{\"ip\": \"<ip>\", \"jail\": \"<jail>\", \"failures\": <failures>, \"user\": \"<user>\", \"note\": \"<note>\", \"matches\": \"<matches>\"}",
        });
        var ban = Fixtures.Ban("2001:db8::7", new Dictionary<string, string> { ["user"] = "admin" }) with { Lines = ["line one", "line two"] };

        action.Enqueue(ActionVerb.Ban, ban);
        await action.DrainAsync(Fixtures.Bounded());

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook", request.Path);
        Assert.Equal("Bearer abc", request.Headers["Authorization"]);
        Assert.Equal("scanjail", request.Headers["X-Source"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("k3y"u8.ToArray(), Encoding.UTF8.GetBytes(request.Body)));
        Assert.Equal(expected, request.Headers["X-ScanJail-Signature"]);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("2001:db8::7", json.RootElement.GetProperty("ip").GetString());
        Assert.Equal("ssh", json.RootElement.GetProperty("jail").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("failures").GetInt32());
        Assert.Equal("admin", json.RootElement.GetProperty("user").GetString());
        Assert.Equal("literal", json.RootElement.GetProperty("note").GetString());
        Assert.Equal("line one\nline two", json.RootElement.GetProperty("matches").GetString());
    }

    [Fact]
    public async Task An_unban_is_put_with_its_own_body_and_secret_file()
    {
        using var scratch = new Scratch();
        File.WriteAllText(scratch.File("secret"), "from-file\n");
        await using var server = await WebhookServer.StartAsync();
        await using var action = Hook(server, new() { ["method"] = "PUT", ["secret_file"] = scratch.File("secret") });

        action.Enqueue(ActionVerb.Ban, Fixtures.Ban());
        action.Enqueue(ActionVerb.Unban, Fixtures.Ban());
        await action.DrainAsync(Fixtures.Bounded());

        var requests = server.Requests.ToArray();
        Assert.Equal(["PUT", "PUT"], requests.Select(r => r.Method));
        Assert.Equal(["ban", "unban"], requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("event").GetString()));
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData("from-file"u8.ToArray(), Encoding.UTF8.GetBytes(requests[1].Body)));
        Assert.Equal("sha256=" + mac, requests[1].Headers["X-ScanJail-Signature"]);
    }

    [Fact]
    public async Task An_http_500_is_retried_shown_in_health_and_delivered_once_the_endpoint_answers()
    {
        await using var server = await WebhookServer.StartAsync();
        var healthy = new TaskCompletionSource();
        server.Answer = async n =>
        {
            if (n <= 3)
            {
                return 500;
            }
            await healthy.Task;
            return 200;
        };
        await using var action = Hook(server);

        action.Enqueue(ActionVerb.Ban, Fixtures.Ban());
        await Until.TrueAsync(() => server.Requests.Count >= 4, "three 500s and a fourth try");
        var failing = action.Health;
        Assert.Equal(3, failing.Retrying);
        Assert.Equal("ban 203.0.113.9: HTTP 500 Internal Server Error", failing.LastError);
        Assert.Equal(1, failing.Pending);
        healthy.SetResult();
        await action.DrainAsync(Fixtures.Bounded());
        Assert.Equal(1, action.Health.Succeeded);
        Assert.Equal(0, action.Health.Failed);
        Assert.Single(server.Requests.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task Hostile_capture_and_line_text_arrives_as_the_exact_string_in_valid_json()
    {
        await using var server = await WebhookServer.StartAsync();
        await using var action = Hook(server, new() { ["ban_body"] = "{\"user\": \"<user>\", \"matches\": \"<matches>\"}" });
        foreach (var text in Hostile)
        {
            action.Enqueue(ActionVerb.Ban, Fixtures.Ban(fields: new Dictionary<string, string> { ["user"] = text }) with { Lines = [text] });
        }
        await action.DrainAsync(Fixtures.Bounded());

        var bodies = server.Requests.Select(r => r.Body).ToArray();
        Assert.Equal(Hostile.Length, bodies.Length);
        for (var i = 0; i < Hostile.Length; i++)
        {
            using var json = JsonDocument.Parse(bodies[i]);
            // NUL in a capture becomes U+FFFD, as in command arguments (docs/actions.md); the matched lines, and the rest, are exact.
            Assert.Equal(Hostile[i].Replace('\0', '\uFFFD'), json.RootElement.GetProperty("user").GetString());
            Assert.Equal(Hostile[i], json.RootElement.GetProperty("matches").GetString());
            Assert.Equal(["matches", "user"], json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
        Assert.DoesNotContain("</script>", string.Concat(bodies), StringComparison.Ordinal);
    }

    [Fact]
    public void Any_string_escaped_into_a_json_string_reads_back_exactly()
    {
        Prop.ForAll<string>(text =>
        {
            text ??= "";
            using var json = JsonDocument.Parse("{\"v\": \"" + WebhookNotifier.JsonEscape(text) + "\"}");
            // Lone surrogates cannot be UTF-8: they come back as U+FFFD, as any JSON encoder must write them.
            var expected = new string([.. text.Select((c, i) => char.IsSurrogate(c) && !IsPaired(text, i) ? '\uFFFD' : c)]);
            return json.RootElement.GetProperty("v").GetString() == expected && json.RootElement.EnumerateObject().Count() == 1;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task A_full_queue_drops_the_oldest_and_counts_it()
    {
        await using var server = await WebhookServer.StartAsync();
        var release = new TaskCompletionSource();
        server.Answer = async _ =>
        {
            await release.Task;
            return 200;
        };
        await using var action = Hook(server, new() { ["queue"] = "2" });

        action.Enqueue(ActionVerb.Ban, Fixtures.Ban("192.0.2.1"));
        await Until.TrueAsync(() => server.Requests.Count == 1, "the first call in flight");
        foreach (var ip in new[] { "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5" })
        {
            action.Enqueue(ActionVerb.Ban, Fixtures.Ban(ip));
        }
        Assert.Equal(2, action.Health.Dropped);
        Assert.Equal(3, action.Health.Pending);
        release.SetResult();
        await action.DrainAsync(Fixtures.Bounded());

        var ips = server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("ip").GetString()!).ToArray();
        Assert.Equal(["192.0.2.1", "192.0.2.4", "192.0.2.5"], ips);
        Assert.Equal(3, action.Health.Succeeded);
        Assert.Equal(2, action.Health.Dropped);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_until_the_attempts_run_out()
    {
        await using var server = await WebhookServer.StartAsync();
        var url = server.Url;
        await server.DisposeAsync();
        await using var action = Fixtures.Create("kind: webhook\n", retry: FastRetry,
            parameters: new Dictionary<string, string> { ["url"] = url.ToString(), ["retries"] = "3" }, name: "webhook");

        action.Enqueue(ActionVerb.Ban, Fixtures.Ban());
        await action.DrainAsync(Fixtures.Bounded());
        Assert.Equal(1, action.Health.Failed);
        Assert.Equal(2, action.Health.Retrying);
        Assert.Contains("refused", action.Health.LastError, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsPaired(string s, int i) =>
        char.IsHighSurrogate(s[i]) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) : i > 0 && char.IsHighSurrogate(s[i - 1]);
}
