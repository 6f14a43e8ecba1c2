using System.Diagnostics;
using System.Net;
using ScanJail.Daemon.Tests.Intake;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// Issue 8, point 3, with the real engine: the SMTP server (Debian's python3-aiosmtpd) and the webhook
/// endpoint (HttpListener) are down when a ban is made, then come up. Meanwhile status and stats show
/// the notification failing and the ban is in force (the record action ran); once they are up, the
/// notice arrives, once.
/// </summary>
public sealed class NotificationOutageTests : IDisposable
{
    private const string Address = "192.0.2.140";
    private readonly TestConfig _config = new();

    [Fact]
    public async Task A_webhook_that_is_down_is_retried_shown_failing_and_gets_the_ban_once_it_is_up()
    {
        var port = FreePort.Tcp();
        await using var engine = await StartAsync($"{{ webhook: {{ url: \"http://127.0.0.1:{port}/hook\" }} }}");
        await ShowsFailingAsync(engine, "webhook");

        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var bodies = new List<string>();
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    var body = await reader.ReadToEndAsync();
                    lock (bodies)
                    {
                        bodies.Add(body);
                    }
                }
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });
        await Wait.UntilAsync(() => { lock (bodies) { return bodies.Count > 0; } }, "the webhook once the endpoint is up", engine, seconds: 90);
        await RecoversAsync(engine, "webhook");
        listener.Stop();
        await serving;
        Assert.Single(bodies);
        Assert.Contains(Address, bodies[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mail_server_that_is_down_is_retried_shown_failing_and_gets_the_ban_once_it_is_up()
    {
        var port = FreePort.Tcp();
        var maildir = Path.Combine(_config.Dir, "maildir");
        await using var engine = await StartAsync($"{{ mail: {{ host: 127.0.0.1, port: {port}, tls: none, to: \"admin@example.org\" }} }}");
        await ShowsFailingAsync(engine, "mail");

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "--class", "aiosmtpd.handlers.Mailbox", maildir])
        {
            start.ArgumentList.Add(arg);
        }
        using var smtp = Process.Start(start)!;
        try
        {
            string[] Messages() => Directory.Exists(Path.Combine(maildir, "new")) ? Directory.GetFiles(Path.Combine(maildir, "new")) : [];
            await Wait.UntilAsync(() => Messages().Length > 0, "the mail once the server is up", engine, seconds: 90);
            await RecoversAsync(engine, "mail");
            var message = Assert.Single(Messages());
            // The body is base64 (attacker text stays data): decode it.
            var text = File.ReadAllText(message).Replace("\r\n", "\n", StringComparison.Ordinal);
            var body = text[(text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..];
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Split('\n').Select(l => l.Trim()))));
            Assert.Contains(Address, decoded, StringComparison.Ordinal);
        }
        finally
        {
            smtp.Kill();
            await smtp.WaitForExitAsync();
        }
    }

    private async Task<EngineProcess> StartAsync(string notification)
    {
        _config.WriteRecordAction();
        _config.WriteSshJail($"record, {notification}");
        _config.TouchAuthLog();
        var engine = await EngineProcess.StartAsync(_config.Dir);
        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure(Address));
        await Wait.UntilAsync(() => _config.ActionLines().Contains($"ban ssh {Address}"), "the ban, while the notification cannot go out", engine);
        return engine;
    }

    /// <summary>Status and stats name the failing notification and its error, and it keeps retrying.</summary>
    private static async Task ShowsFailingAsync(EngineProcess engine, string action)
    {
        await Wait.UntilAsync(async () => (await engine.ClientAsync("status", "ssh")).Stdout.Contains($"action {action}", StringComparison.Ordinal),
            $"status to show {action} failing", engine);
        var (_, stats, _) = await engine.ClientAsync("--json", "stats");
        Assert.Contains($"\"action\":\"{action}\"", stats, StringComparison.Ordinal);
        Assert.Contains("refused", stats, StringComparison.OrdinalIgnoreCase);
        await Wait.UntilAsync(() => engine.Output.Contains("retrying in", StringComparison.Ordinal), $"{action} to be retried", engine);
        Assert.False(engine.HasExited);
    }

    /// <summary>Once delivered, stats count the success, and no second copy follows.</summary>
    private static async Task RecoversAsync(EngineProcess engine, string action)
    {
        await Wait.UntilAsync(async () => Succeeded((await engine.ClientAsync("--json", "stats")).Stdout, action) == 1,
            $"stats to count the {action} delivered", engine);
        await Task.Delay(3000); // room for a duplicate to show
    }

    /// <summary>The <c>succeeded</c> count of the action named <paramref name="action"/> in the stats JSON.</summary>
    private static long Succeeded(string json, string action)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return Find(doc.RootElement) ?? -1;

        long? Find(System.Text.Json.JsonElement e) => e.ValueKind switch
        {
            System.Text.Json.JsonValueKind.Object when e.TryGetProperty("action", out var name) && name.ValueKind == System.Text.Json.JsonValueKind.String
                && name.GetString() == action && e.TryGetProperty("succeeded", out var count) => count.GetInt64(),
            System.Text.Json.JsonValueKind.Object => e.EnumerateObject().Select(p => Find(p.Value)).FirstOrDefault(v => v is not null),
            System.Text.Json.JsonValueKind.Array => e.EnumerateArray().Select(Find).FirstOrDefault(v => v is not null),
            _ => null,
        };
    }

    public void Dispose() => _config.Dispose();
}
