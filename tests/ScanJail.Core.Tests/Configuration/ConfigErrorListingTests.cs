using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Configuration;

/// <summary>
/// What an admin sees for a configuration with many different mistakes: every one of them, in file
/// and line order, each saying where and what to do. A change to this text is a visible diff.
/// </summary>
public sealed class ConfigErrorListingTests : IDisposable
{
    private readonly TempConfigDirectory _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void BrokenConfiguration()
    {
        _config.Write("etc/jail.yaml", """
            defaults:
              findtime: 10 minutes
              maxretry: 0
              bantime: { base: 1h, increment: { factor: 0.5, maxtime: 30m } }
              ignoreip: [127.0.0.0/8, "::1", 10.0.0.0/33, localhost]
              source: /var/log/auth.log
            jail:
              ssh: { enabled: true }
            jails:
              ssh:
                enabled: yes please
                source: { syslog: { port: 514 } }
                filter: { sshd: { mode: [aggressive] } }
                maxretry: -3
                bantime: forever
                actions: [record, record, "../../bin/sh", { nftables: { port: 22 } }]
              web:
                enabled: true
                source: []
                actions: [nosuch]
              "bad name": { enabled: false }
              portscan:
                enabled: true
                source: syslog.log
                filter: attackalert
                ignoreself: perhaps
                actions: []
            """);
        _config.Write("etc/jails/typo.yaml", """
            jails:
              mail: { enabled: false, filter: postfix, sources: /var/log/mail.log }
            """);
        _config.Write("etc/jails/unclosed.yaml", """
            jails:
              ftp: { enabled: true, filter: vsftpd
            """);
        // A shipped jail that is off: its missing filter must not show up.
        _config.Write("shipped/jails/apache.yaml", """
            jails:
              apache: { source: /var/log/apache2/error.log, filter: apache-auth }
            """);

        var result = _config.Load();

        Assert.Null(result.Config);
        Golden.Verify(_config.Listing(result.Errors), "ConfigErrorListingTests.BrokenConfiguration");
    }
}
