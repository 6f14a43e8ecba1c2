using System.Globalization;
using System.Net.Mail;

namespace ScanJail.Core.Actions.Mail;

/// <summary>The parameters of the <c>mail</c> and <c>sendmail</c> kinds, their defaults and their checks.</summary>
internal static class MailParameters
{
    public const string Host = "host";
    public const string Port = "port";
    public const string Tls = "tls";
    public const string UserName = "username";
    public const string Password = "password";
    public const string PasswordFile = "password_file";
    public const string CaFile = "tls_ca";
    public const string From = "from";
    public const string To = "to";
    public const string Subject = "subject";
    public const string Body = "body";
    public const string DigestSubject = "digest_subject";
    public const string Sendmail = "sendmail";

    private const string DefaultSubject = "[ScanJail] <jail>: banned <ip> after <failures> failures";
    private const string DefaultBody =
        "ScanJail on <hostname> banned <ip> in jail <jail>\n" +
        "after <failures> failures, for <bantime> seconds (until <end>; -1: permanent).\n\n" +
        "Lines that led to the ban:\n<matches>\n";
    private const string DefaultDigestSubject = "[ScanJail] <jail>: <bans> bans on <hostname>";

    /// <summary>What every mail needs to say and to whom.</summary>
    public static Dictionary<string, string> Message() => new(StringComparer.Ordinal)
    {
        [From] = "scanjail@localhost",
        [To] = "root@localhost",
        [Subject] = DefaultSubject,
        [Body] = DefaultBody,
        [DigestSubject] = DefaultDigestSubject,
    };

    public static Dictionary<string, string> Smtp()
    {
        var all = Message();
        all[Host] = "localhost";
        all[Port] = "";
        all[Tls] = "starttls";
        all[UserName] = "";
        all[Password] = "";
        all[PasswordFile] = "";
        all[CaFile] = "";
        return all;
    }

    public static Dictionary<string, string> SendmailDefaults()
    {
        var all = Message();
        all[Sendmail] = "/usr/sbin/sendmail";
        return all;
    }

    /// <summary>Comma-separated addresses, as fail2ban's <c>dest</c>.</summary>
    public static IReadOnlyList<string> Recipients(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public static void Validate(bool smtp, IReadOnlyDictionary<string, string> p, Action<string, string> error)
    {
        CheckAddress(p.GetValueOrDefault(From, ""), From, error);
        var to = Recipients(p.GetValueOrDefault(To, ""));
        if (to.Count == 0)
        {
            error(To, "give at least one recipient, such as root@localhost (several: comma-separated)");
        }
        foreach (var address in to)
        {
            CheckAddress(address, To, error);
        }
        if (!smtp)
        {
            var program = p.GetValueOrDefault(Sendmail, "");
            if (!Path.IsPathRooted(program))
            {
                error(Sendmail, $"give the sendmail program's absolute path, such as /usr/sbin/sendmail; found '{program}'");
            }
            return;
        }
        if (!MailFormat.IsHeaderSafe(p.GetValueOrDefault(Host, "")))
        {
            error(Host, "give the SMTP server's name or address, such as smtp.example.org");
        }
        if (ReadTls(p) is null)
        {
            error(Tls, $"expected none, starttls or implicit; found '{p.GetValueOrDefault(Tls, "")}'");
        }
        var port = p.GetValueOrDefault(Port, "");
        if (port.Length > 0 && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 65536))
        {
            error(Port, $"expected a port from 1 to 65535, or nothing for the usual one (25, 587 with starttls, 465 with implicit); found '{port}'");
        }
        CheckFile(p.GetValueOrDefault(PasswordFile, ""), PasswordFile, error);
        CheckFile(p.GetValueOrDefault(CaFile, ""), CaFile, error);
        if (p.GetValueOrDefault(PasswordFile, "").Length > 0 && p.GetValueOrDefault(Password, "").Length > 0)
        {
            error(Password, "give password or password_file, not both");
        }
    }

    public static SmtpSettings Settings(IReadOnlyDictionary<string, string> p, TimeSpan timeout)
    {
        var tls = ReadTls(p) ?? MailTls.StartTls;
        var port = int.TryParse(p.GetValueOrDefault(Port, ""), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : tls switch { MailTls.Implicit => 465, MailTls.StartTls => 587, _ => 25 };
        static string? Blank(string? s) => string.IsNullOrEmpty(s) ? null : s;
        return new SmtpSettings(p.GetValueOrDefault(Host, "localhost"), port, tls, Blank(p.GetValueOrDefault(UserName)),
            Blank(p.GetValueOrDefault(Password)), Blank(p.GetValueOrDefault(PasswordFile)), Blank(p.GetValueOrDefault(CaFile)), timeout);
    }

    private static MailTls? ReadTls(IReadOnlyDictionary<string, string> p) => p.GetValueOrDefault(Tls, "") switch
    {
        "none" => MailTls.None,
        "starttls" => MailTls.StartTls,
        "implicit" => MailTls.Implicit,
        _ => null,
    };

    private static void CheckAddress(string address, string field, Action<string, string> error)
    {
        if (!MailFormat.IsHeaderSafe(address) || address.Contains(',', StringComparison.Ordinal) || !MailAddress.TryCreate(address, out var parsed) || parsed.Address != address)
        {
            error(field, $"'{address}' is not a plain mail address such as admin@example.org");
        }
    }

    private static void CheckFile(string path, string field, Action<string, string> error)
    {
        if (path.Length > 0 && !File.Exists(path))
        {
            error(field, $"no such file '{path}'");
        }
    }
}
