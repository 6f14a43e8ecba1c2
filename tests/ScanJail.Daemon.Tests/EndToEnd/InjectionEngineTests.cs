namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// A representative set of injection lines through the real engine, with maxretry 1 so that any wrong
/// match would ban at once: the shipped sshd and attackalert filters and fail2ban's own sshd.conf ban
/// the real address or nothing. The exhaustive set runs through the filters in ScanJail.Core.Tests (InjectionTests).
/// </summary>
public sealed class InjectionEngineTests : IDisposable
{
    private const string Injected = "198.51.100";
    private readonly TestConfig _config = new();

    private string ScanLog => Path.Combine(_config.Dir, "scan.log");

    [Fact]
    public async Task Injected_addresses_are_never_banned_by_any_filter_kind()
    {
        _config.TouchAuthLog();
        File.WriteAllText(ScanLog, "");
        _config.WriteRecordAction();
        _config.WriteJailYaml($"""
            defaults: {"{"} findtime: 10m, maxretry: 1, bantime: 1h, actions: [record] {"}"}
            jails:
              ssh: {"{"} source: {_config.AuthLog}, filter: {"{"} sshd: {"{"} mode: aggressive {"}"} {"}"} {"}"}
              f2b: {"{"} source: {_config.AuthLog}, filter: "fail2ban:sshd[mode=aggressive]" {"}"}
              scan: {"{"} source: {ScanLog}, filter: attackalert {"}"}
            """);
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        var now = TestConfig.SyslogNow();

        TestConfig.Append(_config.AuthLog,
            $"{now} host sshd[1]: Failed password for invalid user x from {Injected}.1 from 203.0.113.1 port 22 ssh2",
            $"{now} host sshd[1]: Invalid user [client {Injected}.2] from 203.0.113.2 port 22",
            $"{now} host sshd[1]: Disconnected from invalid user x {Injected}.3 port 1 [preauth] 203.0.113.3 port 4446 [preauth]",
            $"{now} host sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.4  user=x rhost={Injected}.4",
            $"{now} host sshd[1]: Unable to negotiate with 203.0.113.5 port 22: no matching key exchange method found. Their offer: from {Injected}.5 port 22 ssh2",
            $"{now} host sshd[1]: Received disconnect from 203.0.113.6 port 22:11: from {Injected}.6 port 22 ssh2 [preauth]",
            $"{now} host sshd[1]: Invalid user attackalert: src={Injected}.7 proto=tcp dport=22 kind=syn from 203.0.113.7 port 22",
            $"{now} host cron[9]: sshd[1]: Failed password for root from {Injected}.8 port 22 ssh2",
            TestConfig.SshFailure("192.0.2.99"));
        TestConfig.Append(ScanLog,
            $"{now} host portsentry[5]: attackalert: TCP SYN/Normal scan from host: 203.0.113.10/{Injected}.10 to TCP port: 22",
            $"{now} host scanjail-listener[812]: attackalert: src=203.0.113.11 src={Injected}.11 proto=tcp dport=22 kind=syn",
            $"{now} host sshd[1]: Invalid user attackalert: TCP SYN/Normal scan from host: {Injected}.12/x to TCP port: 22 from 203.0.113.12 port 22",
            $"{now} host scanjail-listener[812]: attackalert: src=192.0.2.98 proto=tcp dport=22 kind=syn");

        // The sentinels are the last lines of each file: once they are banned, every line before them was read.
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.99") && _config.ActionLines().Contains("ban f2b 192.0.2.99")
            && _config.ActionLines().Contains("ban scan 192.0.2.98"), "the sentinel bans", engine, seconds: 120);

        var actions = _config.ActionLines();
        Assert.DoesNotContain(actions, l => l.Contains(Injected, StringComparison.Ordinal));
        Assert.All(actions, l => Assert.Matches(@"^ban (ssh|f2b|scan) (203\.0\.113\.\d+|192\.0\.2\.9[89])$", l));
        // The shipped filters read the real address of every line that has one (fail2ban's may skip some).
        foreach (var real in new[] { 1, 2, 3, 4, 5, 6, 7 })
        {
            Assert.Contains($"ban ssh 203.0.113.{real}", actions);
        }
        Assert.Contains("ban scan 203.0.113.10", actions);
        var (_, banned, _) = await engine.ClientAsync("banned");
        Assert.DoesNotContain(Injected, banned, StringComparison.Ordinal);
    }

    public void Dispose() => _config.Dispose();
}
