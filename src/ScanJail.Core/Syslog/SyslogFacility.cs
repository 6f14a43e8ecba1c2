namespace ScanJail.Core.Syslog;

/// <summary>The syslog facility names of RFC 5424 (and glibc's syslog.h), to their codes.</summary>
public static class SyslogFacility
{
    private static readonly string[] Names =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
        "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
        "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];

    public static IReadOnlyList<string> All => Names;

    /// <summary>The facility code for a name such as <c>auth</c> or <c>local0</c>, or -1.</summary>
    public static int Code(string? name) => name is null ? -1 : Array.IndexOf(Names, name);
}
