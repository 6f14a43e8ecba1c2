using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ScanJail.Core.Actions.Mail;

/// <summary>
/// A minimal SMTP client (RFC 5321): EHLO, STARTTLS or implicit TLS, AUTH PLAIN, MAIL, RCPT, DATA, QUIT.
/// System.Net.Mail.SmtpClient is not used: it cannot speak implicit TLS (port 465), and its certificate
/// check can only be changed through the obsolete, process-wide ServicePointManager.
/// </summary>
internal sealed class SmtpMailSender(SmtpSettings settings) : IMailSender
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var token = timeout.Token;
        var stage = new string[] { "connect" };
        try
        {
            await DialogueAsync(mail, stage, token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from {settings.Host}:{settings.Port} within {settings.Timeout.TotalSeconds:0.#}s (at {stage[0]})");
        }
    }

    private async Task DialogueAsync(OutgoingMail mail, string[] stage, CancellationToken token)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(settings.Host, settings.Port, token);
        Stream stream = client.GetStream();
        try
        {
            if (settings.Tls == MailTls.Implicit)
            {
                stage[0] = "TLS handshake";
                stream = await StartTlsAsync(stream, token);
            }
            var line = new SmtpLine(stream, stage);
            await line.ExpectAsync(220, token);
            var extensions = await line.CommandAsync($"EHLO {mail.HostName}", 250, token);
            if (settings.Tls == MailTls.StartTls)
            {
                if (!Has(extensions, "STARTTLS"))
                {
                    throw new MailException($"{settings.Host} does not offer STARTTLS (set tls: none or implicit)");
                }
                await line.CommandAsync("STARTTLS", 220, token);
                stage[0] = "TLS handshake";
                stream = await StartTlsAsync(stream, token);
                line = new SmtpLine(stream, stage);
                extensions = await line.CommandAsync($"EHLO {mail.HostName}", 250, token);
            }
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                var password = settings.PasswordFile is { Length: > 0 } file
                    ? (await File.ReadAllTextAsync(file, token)).TrimEnd('\r', '\n')
                    : settings.Password ?? "";
                var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{settings.UserName}\0{password}"));
                await line.CommandAsync($"AUTH PLAIN {plain}", 235, token, shown: "AUTH PLAIN (credentials)");
            }
            await line.CommandAsync($"MAIL FROM:<{mail.From}>", 250, token);
            foreach (var to in mail.To)
            {
                await line.CommandAsync($"RCPT TO:<{to}>", 250, token, also: 251);
            }
            await line.CommandAsync("DATA", 354, token);
            await line.WriteAsync(DotStuff(MailFormat.Build(mail)) + ".\r\n", token);
            await line.ExpectAsync(250, token);
            await line.WriteAsync("QUIT\r\n", token);
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private async Task<Stream> StartTlsAsync(Stream inner, CancellationToken token)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions { TargetHost = settings.Host };
        if (settings.CaFile is { Length: > 0 } ca)
        {
            options.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust };
            options.CertificateChainPolicy.CustomTrustStore.ImportFromPemFile(ca);
        }
        await ssl.AuthenticateAsClientAsync(options, token);
        return ssl;
    }

    private static bool Has(IReadOnlyList<string> extensions, string name) =>
        extensions.Any(e => e.Length >= 4 && e[4..].Split(' ')[0].Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A line that starts with '.' gets another one (RFC 5321 4.5.2); base64 bodies never have one, headers might not either, but this is the rule.</summary>
    private static string DotStuff(string message) =>
        (message.StartsWith('.') ? "." : "") + message.Replace("\r\n.", "\r\n..", StringComparison.Ordinal);
}
