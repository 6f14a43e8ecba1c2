using System.Globalization;
using System.Text;

namespace ScanJail.Core.Actions.Mail;

/// <summary>
/// Writes an RFC 5322 message. Subject and body hold attacker text (captures, matched lines), so the
/// subject is one RFC 2047 encoded word per chunk (a CR or LF in it cannot start a new header) and the
/// body is UTF-8 in base64 (no line is too long, no "." line can end the SMTP DATA early).
/// </summary>
internal static class MailFormat
{
    public static string Build(OutgoingMail mail)
    {
        var text = new StringBuilder();
        text.Append("From: ").Append(mail.From).Append("\r\n");
        text.Append("To: ").Append(string.Join(", ", mail.To)).Append("\r\n");
        text.Append("Subject: ").Append(EncodeHeader(mail.Subject)).Append("\r\n");
        text.Append("Date: ").Append(mail.Date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
        text.Append("Message-ID: <").Append(Guid.NewGuid().ToString("N")).Append('@').Append(HeaderSafe(mail.HostName)).Append(">\r\n");
        text.Append("MIME-Version: 1.0\r\n");
        text.Append("Content-Type: text/plain; charset=utf-8\r\n");
        text.Append("Content-Transfer-Encoding: base64\r\n");
        text.Append("Auto-Submitted: auto-generated\r\n");
        text.Append("\r\n");
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes(NormalizeNewlines(mail.Body)));
        for (var i = 0; i < body.Length; i += 76)
        {
            text.Append(body, i, Math.Min(76, body.Length - i)).Append("\r\n");
        }
        return text.ToString();
    }

    /// <summary>=?utf-8?B?...?= words of at most 45 bytes each, folded onto continuation lines.</summary>
    public static string EncodeHeader(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length == 0)
        {
            return "";
        }
        var words = new List<string>();
        var start = 0;
        while (start < bytes.Length)
        {
            var end = Math.Min(start + 45, bytes.Length);
            // Never split a UTF-8 sequence between two words: back up to a lead byte.
            while (end < bytes.Length && end > start + 1 && (bytes[end] & 0xC0) == 0x80)
            {
                end--;
            }
            words.Add("=?utf-8?B?" + Convert.ToBase64String(bytes, start, end - start) + "?=");
            start = end;
        }
        return string.Join("\r\n ", words);
    }

    /// <summary>Addresses and host names go into headers and SMTP commands as they are: no line breaks, no angle brackets.</summary>
    public static bool IsHeaderSafe(string value) => value.Length > 0 && value.All(c => c >= ' ' && c != '\x7f' && c is not ('<' or '>'));

    private static string HeaderSafe(string value) => IsHeaderSafe(value) ? value : "localhost";

    private static string NormalizeNewlines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace("\n", "\r\n", StringComparison.Ordinal);
}
