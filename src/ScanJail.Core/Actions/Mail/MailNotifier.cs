using System.Net.Sockets;
using System.Security.Authentication;
using ScanJail.Core.Actions.Notify;

namespace ScanJail.Core.Actions.Mail;

/// <summary>
/// The <c>mail</c> and <c>sendmail</c> kinds: one message per ban (subject and body templates), or in
/// digest mode one message for every ban of the interval (digest_subject; the bodies one after another).
/// Unbans send nothing.
/// </summary>
internal sealed class MailNotifier(
    IMailSender sender, string jail, IReadOnlyDictionary<string, string> parameters, string hostName, TimeProvider time) : INotifier
{
    private const string Separator = "\n\n----------------------------------------\n\n";
    private readonly ArgTemplate _subject = ArgTemplate.Parse(parameters.GetValueOrDefault(MailParameters.Subject, ""));
    private readonly ArgTemplate _body = ArgTemplate.Parse(parameters.GetValueOrDefault(MailParameters.Body, ""));
    private readonly ArgTemplate _digestSubject = ArgTemplate.Parse(parameters.GetValueOrDefault(MailParameters.DigestSubject, ""));
    private readonly IReadOnlyList<string> _to = MailParameters.Recipients(parameters.GetValueOrDefault(MailParameters.To, ""));
    private readonly string _from = parameters.GetValueOrDefault(MailParameters.From, "");

    public bool Handles(ActionVerb verb) => verb == ActionVerb.Ban;

    public async Task<NotifyResult> SendAsync(Notice notice, CancellationToken cancellationToken)
    {
        string subject;
        string body;
        if (notice.Digest)
        {
            subject = NotifyTags.ForDigest(notice.Bans, jail, parameters, hostName).Render(_digestSubject);
            body = string.Join(Separator, notice.Bans.Select(b => NotifyTags.For(notice.Verb, b, jail, parameters, hostName).Render(_body)));
        }
        else
        {
            var tags = NotifyTags.For(notice.Verb, notice.Bans[0], jail, parameters, hostName);
            subject = tags.Render(_subject);
            body = tags.Render(_body);
        }
        var mail = new OutgoingMail(_from, _to, subject, body, hostName, time.GetUtcNow());
        try
        {
            await sender.SendAsync(mail, cancellationToken);
            return NotifyResult.Delivered;
        }
        catch (Exception e) when (e is IOException or SocketException or MailException or AuthenticationException or TimeoutException or UnauthorizedAccessException)
        {
            return NotifyResult.Failed(Describe(e));
        }
    }

    private static string Describe(Exception e)
    {
        var text = e is SocketException s ? $"{s.SocketErrorCode}: {s.Message}" : e.Message;
        return text.Length > 200 ? text[..200] + "…" : text;
    }
}
