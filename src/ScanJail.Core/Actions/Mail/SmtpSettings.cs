namespace ScanJail.Core.Actions.Mail;

/// <summary>
/// Where and how to reach the SMTP server. <see cref="PasswordFile"/> is read at each delivery, so a
/// rotated secret is picked up without a reload. <see cref="CaFile"/>: a PEM certificate trusted as a
/// root instead of the system's (a private CA, a self-signed server). The certificate is always checked.
/// </summary>
internal sealed record SmtpSettings(
    string Host,
    int Port,
    MailTls Tls,
    string? UserName,
    string? Password,
    string? PasswordFile,
    string? CaFile,
    TimeSpan Timeout);
