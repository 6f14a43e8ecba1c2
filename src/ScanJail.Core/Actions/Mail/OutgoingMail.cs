namespace ScanJail.Core.Actions.Mail;

/// <summary>One plain-text message: the envelope (from, recipients) is also written as its headers.</summary>
internal sealed record OutgoingMail(string From, IReadOnlyList<string> To, string Subject, string Body, string HostName, DateTimeOffset Date);
