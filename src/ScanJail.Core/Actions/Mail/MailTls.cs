namespace ScanJail.Core.Actions.Mail;

/// <summary>How the SMTP connection is protected: not at all, STARTTLS after EHLO, or TLS from the first byte (port 465).</summary>
internal enum MailTls
{
    None,
    StartTls,
    Implicit,
}
