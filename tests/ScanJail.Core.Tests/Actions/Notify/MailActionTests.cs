using ScanJail.Core.Actions;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Tests.Actions.Notify;

/// <summary>The mail kind against a real SMTP server (aiosmtpd): plain, STARTTLS with AUTH, implicit TLS, refused then back, digest.</summary>
public sealed class MailActionTests
{
    private static readonly ActionRetryOptions FastRetry = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), 100);

    private static IJailAction Mail(Dictionary<string, string> parameters) =>
        Fixtures.Create("kind: mail\ntimeout: 10s\n", retry: FastRetry, parameters: parameters, name: "mail");

    private static Ban HostileBan() => Fixtures.Ban("198.51.100.23", new Dictionary<string, string> { ["user"] = "root\r\nBcc: victim@example.org" }) with
    {
        Lines = ["Nov 21 10:00:01 host sshd[1]: Failed password for root from 198.51.100.23", ".", "Ünïcödé line"],
    };

    [Fact]
    public async Task A_ban_is_mailed_with_the_rendered_subject_body_and_recipients()
    {
        using var scratch = new Scratch();
        var port = SmtpServer.FreePort();
        await using var server = await SmtpServer.StartCliAsync(scratch.File("maildir"), port);
        await using var action = Mail(new()
        {
            ["host"] = "127.0.0.1", ["port"] = $"{port}", ["tls"] = "none", ["from"] = "scanjail@example.org",
            ["to"] = "a@example.org, b@example.org", ["subject"] = "ban <ip> in <jail> (<user>)",
        });

        action.Enqueue(ActionVerb.Ban, HostileBan());
        await action.DrainAsync(Fixtures.Bounded());

        var mail = ReceivedMail.Parse(Assert.Single(server.Messages()));
        Assert.Equal("ban 198.51.100.23 in ssh (root\r\nBcc: victim@example.org)", mail.Subject);
        Assert.False(mail.Headers.ContainsKey("Bcc"), "a capture must not add a header");
        Assert.Equal("a@example.org, b@example.org", mail.Headers["To"]);
        Assert.Equal("a@example.org,b@example.org", mail.Headers["X-RcptTo"].Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("scanjail@example.org", mail.Headers["X-MailFrom"]);
        Assert.Contains("banned 198.51.100.23 in jail ssh", mail.Body, StringComparison.Ordinal);
        Assert.Contains("after 3 failures, for 600 seconds", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Failed password for root from 198.51.100.23\n.\nÜnïcödé line", mail.Body, StringComparison.Ordinal);
        Assert.Equal(1, action.Health.Succeeded);
    }

    [Fact]
    public async Task Starttls_with_auth_delivers_and_a_wrong_password_shows_as_a_failure()
    {
        using var scratch = new Scratch();
        var (cert, key) = TestCertificate.Write(scratch.Path);
        var port = SmtpServer.FreePort();
        await using var server = await SmtpServer.StartWithAuthAsync(scratch.File("maildir"), port, "scan", "s3cret", cert, key);
        File.WriteAllText(scratch.File("password"), "s3cret\n");
        var common = new Dictionary<string, string>
        {
            ["host"] = "127.0.0.1", ["port"] = $"{port}", ["tls"] = "starttls", ["tls_ca"] = cert, ["username"] = "scan",
        };

        await using (var good = Fixtures.Create("kind: mail\ntimeout: 5s\n", retry: FastRetry with { MaxAttempts = 2 },
            parameters: new Dictionary<string, string>(common) { ["password_file"] = scratch.File("password") }, name: "mail"))
        {
            good.Enqueue(ActionVerb.Ban, HostileBan());
            await good.DrainAsync(Fixtures.Bounded());
            Assert.True(good.Health.Succeeded == 1, good.Health.LastError);
        }
        Assert.Contains("198.51.100.23", ReceivedMail.Parse(Assert.Single(server.Messages())).Subject, StringComparison.Ordinal);

        await using var bad = Fixtures.Create("kind: mail\ntimeout: 5s\n", retry: FastRetry with { MaxAttempts = 2 },
            parameters: new Dictionary<string, string>(common) { ["password"] = "wrong" }, name: "mail");
        bad.Enqueue(ActionVerb.Ban, HostileBan());
        await bad.DrainAsync(Fixtures.Bounded());
        Assert.Equal(1, bad.Health.Failed);
        Assert.Contains("AUTH: server answered '535", bad.Health.LastError, StringComparison.Ordinal);
        Assert.Single(server.Messages());
    }

    [Fact]
    public async Task Implicit_tls_delivers_and_an_untrusted_certificate_is_refused()
    {
        using var scratch = new Scratch();
        var (cert, key) = TestCertificate.Write(scratch.Path);
        var port = SmtpServer.FreePort();
        await using var server = await SmtpServer.StartCliAsync(scratch.File("maildir"), port, "--smtpscert", cert, "--smtpskey", key);
        var common = new Dictionary<string, string> { ["host"] = "127.0.0.1", ["port"] = $"{port}", ["tls"] = "implicit" };

        await using (var untrusted = Fixtures.Create("kind: mail\n", retry: FastRetry with { MaxAttempts = 1 }, parameters: common, name: "mail"))
        {
            untrusted.Enqueue(ActionVerb.Ban, HostileBan());
            await untrusted.DrainAsync(Fixtures.Bounded());
            Assert.Equal(1, untrusted.Health.Failed);
            Assert.Empty(server.Messages());
        }

        await using var trusted = Mail(new(common) { ["tls_ca"] = cert });
        trusted.Enqueue(ActionVerb.Ban, HostileBan());
        await trusted.DrainAsync(Fixtures.Bounded());
        Assert.Equal(1, trusted.Health.Succeeded);
        Assert.Single(server.Messages());
    }

    [Fact]
    public async Task A_refused_connection_is_retried_shown_in_health_and_delivered_once_the_server_is_up()
    {
        using var scratch = new Scratch();
        var port = SmtpServer.FreePort();
        await using var action = Mail(new() { ["host"] = "127.0.0.1", ["port"] = $"{port}", ["tls"] = "none" });

        action.Enqueue(ActionVerb.Ban, HostileBan());
        await Until.TrueAsync(() => action.Health.Retrying >= 2, "retries against a refused connection");
        var failing = action.Health;
        Assert.Contains("ConnectionRefused", failing.LastError, StringComparison.Ordinal);
        Assert.Equal(1, failing.Pending);
        Assert.Equal(0, failing.Succeeded);

        await using var server = await SmtpServer.StartCliAsync(scratch.File("maildir"), port);
        await Until.TrueAsync(() => action.Health.Succeeded == 1, "delivery once the server listens", seconds: 30);
        Assert.Single(server.Messages());
        Assert.Equal(0, action.Health.Pending);
        Assert.Equal(0, action.Health.Failed);
    }

    [Fact]
    public async Task A_digest_sends_one_mail_for_every_ban_of_the_interval()
    {
        using var scratch = new Scratch();
        var port = SmtpServer.FreePort();
        await using var server = await SmtpServer.StartCliAsync(scratch.File("maildir"), port);
        await using var action = Mail(new() { ["host"] = "127.0.0.1", ["port"] = $"{port}", ["tls"] = "none", ["digest"] = "1h" });

        foreach (var ip in new[] { "192.0.2.1", "192.0.2.2", "2001:db8::3" })
        {
            action.Enqueue(ActionVerb.Ban, Fixtures.Ban(ip));
        }
        Assert.Equal(3, action.Health.Pending);
        Assert.Empty(server.Messages());
        await action.DrainAsync(Fixtures.Bounded()); // a stop sends what the interval gathered

        var mail = ReceivedMail.Parse(Assert.Single(server.Messages()));
        Assert.StartsWith("[ScanJail] ssh: 3 bans on ", mail.Subject, StringComparison.Ordinal);
        foreach (var ip in new[] { "192.0.2.1", "192.0.2.2", "2001:db8::3" })
        {
            Assert.Contains($"banned {ip} in jail ssh", mail.Body, StringComparison.Ordinal);
        }
    }
}
