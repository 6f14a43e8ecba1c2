using System.Globalization;
using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Intake;

/// <summary>
/// The journald source through a stand-in <c>journalctl</c>: journald does not run in this
/// container (no systemd as PID 1), so a real journalctl has no journal to follow. The stand-in is a
/// script on PATH that records its argv and prints journal entries in journalctl's real
/// <c>-o json</c> shape (fields as journald writes them), honouring <c>--after-cursor</c>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JournaldSourceTests : IDisposable
{
    private readonly TestConfig _config = new();

    [Fact]
    public async Task Journal_entries_ban_and_a_restart_resumes_after_the_saved_cursor()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_config.Dir, "bin")).FullName;
        var entries = Path.Combine(_config.Dir, "entries.jsonl");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        File.WriteAllLines(entries, Enumerable.Range(1, 3).Select(i => Entry(i, now + i, i == 2
            ? "Connection closed by 192.0.2.31 port 22"
            : "Failed password for invalid user admin from 192.0.2.30 port 5000 ssh2")));
        var stand = Path.Combine(bin, "journalctl");
        File.WriteAllText(stand, $$"""
            #!/bin/sh
            n=$(ls {{_config.Dir}} | grep -c '^argv\.')
            printf '%s\n' "$@" > "{{_config.Dir}}/argv.$n"
            after=""
            for a in "$@"; do case "$a" in --after-cursor=*) after="${a#--after-cursor=}";; esac; done
            if [ -n "$after" ]; then
              awk -v c="\"__CURSOR\":\"$after\"" 'found { print } index($0, c) { found = 1 }' "{{entries}}"
            else
              cat "{{entries}}"
            fi
            exec sleep 600
            """);
        File.SetUnixFileMode(stand, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _config.WriteRecordAction();
        _config.WriteJailYaml("""
            jails:
              ssh:
                enabled: true
                source: { journald: { match: [_SYSTEMD_UNIT=ssh.service] } }
                filter: sshd
                maxretry: 2
                bantime: 1h
                actions: [record]
            """);
        var path = new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" };

        await using (var engine = await EngineProcess.StartAsync(_config.Dir, path, stdin: false))
        {
            await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.30"), "the journal entries to ban", engine);
            var (_, status, _) = await engine.ClientAsync("status", "ssh");
            Assert.Contains("origin web1: 2 failed, banned 192.0.2.30", status, StringComparison.Ordinal);
            Assert.Equal(0, await engine.StopAsync());
        }
        var first = File.ReadAllLines(Path.Combine(_config.Dir, "argv.0"));
        Assert.Equal(["-f", "-o", "json", "--no-pager", "-n", "0", "_SYSTEMD_UNIT=ssh.service"], first);

        // One more entry arrives while the engine is down; the restart reads only that one.
        File.AppendAllLines(entries, [Entry(4, now + 4, "Failed password for root from 192.0.2.32 port 1 ssh2")]);
        await using (var engine = await EngineProcess.StartAsync(_config.Dir, path, stdin: false))
        {
            await Wait.UntilAsync(() => File.Exists(Path.Combine(_config.Dir, "argv.1")), "journalctl to start again", engine);
            var second = File.ReadAllLines(Path.Combine(_config.Dir, "argv.1"));
            Assert.Contains($"--after-cursor={Cursor(3)}", second);
            await Wait.UntilAsync(async () => (await engine.ClientAsync("status", "ssh")).Stdout.Contains("Total failed:\t1", StringComparison.Ordinal),
                "the one new entry to count (and the old ones not again)", engine);
            Assert.Equal(0, await engine.StopAsync());
        }
    }

    [Fact]
    public async Task A_missing_journalctl_is_a_clear_configuration_error()
    {
        _config.WriteJailYaml("""
            jails:
              ssh:
                enabled: true
                source: { journald: { match: [_SYSTEMD_UNIT=ssh.service], journalctl: /nonexistent/journalctl } }
                filter: sshd
            """);

        var (code, stdout, stderr) = await EngineProcess.RunToEndAsync("check", "-c", _config.Dir);

        Assert.Equal(78, code);
        Assert.Contains("journalctl was not found (/nonexistent/journalctl); install systemd", stdout + stderr, StringComparison.Ordinal);
    }

    private static string Cursor(int i) => $"s=6f1c2d3e4f5a4b6c8d9e0f1a2b3c4d5e;i={i:x};b=0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5;m=1e2a{i:x};t=5f3a2b1c0d{i:x};x=9a8b7c6d5e4f3a2b";

    // The fields journald writes for an sshd message, as `journalctl -o json` prints them.
    private static string Entry(int i, long micros, string message) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"__CURSOR":"{{Cursor(i)}}","__REALTIME_TIMESTAMP":"{{micros}}","__MONOTONIC_TIMESTAMP":"{{1000 + i}}","_BOOT_ID":"0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5","PRIORITY":"6","SYSLOG_FACILITY":"4","_UID":"0","_GID":"0","_TRANSPORT":"syslog","SYSLOG_IDENTIFIER":"sshd","_COMM":"sshd","_EXE":"/usr/sbin/sshd","_SYSTEMD_UNIT":"ssh.service","_SYSTEMD_SLICE":"system.slice","_HOSTNAME":"web1","_MACHINE_ID":"d4b5c6a7e8f94a0b1c2d3e4f5a6b7c8d","SYSLOG_PID":"{{800 + i}}","_PID":"{{800 + i}}","MESSAGE":"{{message}}"}""");

    public void Dispose() => _config.Dispose();
}
