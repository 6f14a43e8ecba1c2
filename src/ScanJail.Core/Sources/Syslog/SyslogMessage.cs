using System.Text;

namespace ScanJail.Core.Sources.Syslog;

/// <summary>
/// A syslog message with its envelope read. Every text field is attacker input. <see cref="Timestamp"/>
/// is the sender's text (RFC 3164 <c>Mmm dd hh:mm:ss</c> or RFC 3339), left for the filter's time
/// stamp detection; null fields were absent or RFC 5424's nil <c>-</c>.
/// </summary>
public sealed record SyslogMessage(
    SyslogFormat Format,
    int? Priority,
    string? Timestamp,
    string? Host,
    string? AppName,
    string? ProcId,
    string? MsgId,
    IReadOnlyList<StructuredElement> StructuredData,
    string Message)
{
    public bool Equals(SyslogMessage? other) =>
        other is not null && Format == other.Format && Priority == other.Priority && Timestamp == other.Timestamp
        && Host == other.Host && AppName == other.AppName && ProcId == other.ProcId && MsgId == other.MsgId
        && StructuredData.SequenceEqual(other.StructuredData) && Message == other.Message;

    public override int GetHashCode() => HashCode.Combine(Format, Timestamp, Host, AppName, Message);

    /// <summary>
    /// What a jail's filter sees: the line as a local syslog daemon would have written it to a file,
    /// <c>TIMESTAMP HOST TAG[PID]: MESSAGE</c> (absent parts left out; PRI, MSGID and structured data
    /// dropped). So fail2ban-style filters written for /var/log/auth.log match forwarded lines unchanged.
    /// </summary>
    public string FilterText()
    {
        if (Format == SyslogFormat.None)
        {
            return Message;
        }
        var text = new StringBuilder(Message.Length + 64);
        if (Timestamp is not null)
        {
            text.Append(Timestamp).Append(' ');
        }
        if (Host is not null)
        {
            text.Append(Host).Append(' ');
        }
        if (AppName is not null)
        {
            text.Append(AppName);
            if (ProcId is not null)
            {
                text.Append('[').Append(ProcId).Append(']');
            }
            text.Append(": ");
            // rsyslog keeps the space after an RFC 3164 tag as part of MSG; the ": " above already has it.
            return text.Append(Message.StartsWith(' ') ? Message.AsSpan(1) : Message).ToString();
        }
        return text.Append(Message).ToString();
    }
}
