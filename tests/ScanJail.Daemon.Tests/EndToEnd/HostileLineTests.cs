namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>Log text is attacker input: injected addresses are never banned, captured text reaches actions as inert data.</summary>
public sealed class HostileLineTests : IDisposable
{
    private readonly TestConfig _config = new TestConfig().WithAcceptanceJail(bantime: "1h");

    [Fact]
    public async Task A_user_name_carrying_an_address_never_bans_that_address()
    {
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        var line = TestConfig.SshFailure("203.0.113.9", user: "x from 198.51.100.7");
        TestConfig.Append(_config.AuthLog, line, line, line);
        // A sentinel jail-mate proves the lines were read before we look for the absence of a ban.
        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure("192.0.2.99"), TestConfig.SshFailure("192.0.2.99"), TestConfig.SshFailure("192.0.2.99"));
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.99"), "the sentinel ban", engine);

        Assert.DoesNotContain(_config.ActionLines(), l => l.Contains("198.51.100.7", StringComparison.Ordinal));
        var (_, banned, _) = await engine.ClientAsync("banned");
        Assert.DoesNotContain("198.51.100.7", banned, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_metacharacters_in_a_captured_user_reach_the_action_as_one_plain_argument()
    {
        var users = Path.Combine(_config.Dir, "users.log");
        var pwned = Path.Combine(_config.Dir, "pwned");
        File.WriteAllText(Path.Combine(_config.Dir, "actions", "record.yaml"), $"""
            ban:   [sh, -c, 'printf "%s|%s\n" "$1" "$2" >> "$3"', record, "<ip>", "<user>", "{users}"]
            unban: [true]
            """);
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        var hostile = $"a;touch {pwned};$(touch {pwned})`touch {pwned}`'\"\\";
        TestConfig.Append(_config.AuthLog,
            TestConfig.SshFailure("192.0.2.66", user: hostile), TestConfig.SshFailure("192.0.2.66", user: hostile), TestConfig.SshFailure("192.0.2.66", user: hostile));
        // The shell creates the file before printf writes to it: wait for the whole line.
        await Wait.UntilAsync(() => File.Exists(users) && File.ReadAllText(users).EndsWith('\n'), "the ban action", engine);

        Assert.Equal($"192.0.2.66|{hostile}", File.ReadAllLines(users).Single());
        Assert.False(File.Exists(pwned), "text from the log was executed");
    }

    public void Dispose() => _config.Dispose();
}
