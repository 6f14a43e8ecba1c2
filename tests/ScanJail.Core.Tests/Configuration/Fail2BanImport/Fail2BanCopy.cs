namespace ScanJail.Core.Tests.Configuration.Fail2BanImport;

/// <summary>
/// A temporary copy of the Debian package's /etc/fail2ban (read as data; fail2ban never runs) with a
/// test jail.local, beside a ScanJail configuration directory to import into. Deleted at the end.
/// </summary>
internal sealed class Fail2BanCopy : IDisposable
{
    public const string Source = "/etc/fail2ban";

    public const string JailLocal = """
        # A test jail.local over Debian's jail.conf and jail.d/defaults-debian.conf.
        [DEFAULT]
        ignoreip = 127.0.0.1/8 ::1 192.0.2.7 198.51.100.0/24, example.org

        [sshd]
        enabled = true
        mode = aggressive
        findtime = 1h 30m
        maxretry = 3
        bantime = 2h
        bantime.increment = true
        bantime.maxtime = 2d

        [nginx-http-auth]
        enabled = true
        findtime = 600
        bantime = 1d12h
        bantime.increment = true
        bantime.factor = 3
        ignorecommand = /usr/local/bin/is-friend <ip>

        [recidive]
        enabled = true
        findtime = 2d
        bantime = -1
        ignoreip = 203.0.113.0/24 2001:db8::/32
        ignoreself = false
        usedns = no

        [postfix]
        enabled = true
        backend = systemd
        """;

    public Fail2BanCopy()
    {
        Config = new TempConfigDirectory();
        Dir = Path.Combine(Config.Root, "fail2ban");
        Copy(Source, Dir);
        File.WriteAllText(Path.Combine(Dir, "jail.local"), JailLocal);
        Config.Write("shipped/actions/log.yaml", ConfigFixtures.NoopAction);
    }

    /// <summary>The ScanJail side: etc/ (import target) and shipped/ (only the log action).</summary>
    public TempConfigDirectory Config { get; }

    /// <summary>The copied fail2ban directory.</summary>
    public string Dir { get; }

    public void Dispose() => Config.Dispose();

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
