namespace ScanJail.Core.Actions.Mail;

/// <summary>
/// Hands one finished message to a mail system. The seam where MailKit can replace ScanJail's own SMTP
/// dialogue once the registry serves it. Throws (IOException, SocketException, <see cref="MailException"/>,
/// AuthenticationException) when the message was not accepted.
/// </summary>
internal interface IMailSender
{
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}
