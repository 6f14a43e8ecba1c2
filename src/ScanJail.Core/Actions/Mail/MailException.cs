namespace ScanJail.Core.Actions.Mail;

/// <summary>The mail system answered, but refused (an SMTP error reply, sendmail's exit code).</summary>
public sealed class MailException : Exception
{
    public MailException()
    {
    }

    public MailException(string message)
        : base(message)
    {
    }

    public MailException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
