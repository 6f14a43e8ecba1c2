using System.Text;
using System.Text.Json;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// Captured text from a log line, through the real engine, reaches a real command as inert data: a small
/// program records its argv and SCANJAIL_* environment as hex bytes, and each must be byte-exact (NUL,
/// which no argv or environment can hold, arrives as U+FFFD, as docs/actions.md says). A newline cannot
/// be captured: it ends the log line. The webhook half is WebhookActionTests.Hostile_capture_and_line_text_arrives_as_the_exact_string_in_valid_json.
/// </summary>
public sealed class InertCaptureEngineTests : IDisposable
{
    private readonly TestConfig _config = new();

    public static readonly string[] Values =
    [
        "a;touch pwned|b&c$(id)`id`>x<y*?~!#{a,b}",
        "'\"\\' \"",
        "\u001b[31mred\u001b[0m\u001b]0;title\u0007\u001b[2J",
        "a\0b",
        "-n --help %s%n",
        // 64 KB
        string.Concat(Enumerable.Repeat("$(x)'\"`;\u001b[1m", 64 * 1024 / 12)),
    ];

    [Fact]
    public async Task Hostile_captures_reach_a_real_command_byte_exact()
    {
        var records = Path.Combine(_config.Dir, "records.jsonl");
        var recorder = Path.Combine(_config.Dir, "recorder.py");
        File.WriteAllText(recorder, """
            import json, os, sys
            record = {"argv": [os.fsencode(a).hex() for a in sys.argv[2:]],
                      "env": {k: os.fsencode(v).hex() for k, v in os.environ.items() if k in ("SCANJAIL_IP", "SCANJAIL_F_USER")}}
            with open(sys.argv[1], "a") as f:
                f.write(json.dumps(record) + "\n")
            """);
        File.WriteAllText(Path.Combine(_config.Dir, "actions", "recorder.yaml"), $"""
            ban:   [python3, '{recorder}', '{records}', "<ip>", "<user>", "user=<user>;"]
            unban: ["true"]
            """);
        _config.TouchAuthLog();
        _config.WriteJailYaml($"""
            jails:
              ssh:
                source: {"{"} file: {_config.AuthLog}, maxline: 262144 {"}"}
                filter: sshd
                maxretry: 1
                bantime: 1h
                actions: [recorder]
            """);
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        TestConfig.Append(_config.AuthLog, [.. Values.Select((v, i) => TestConfig.SshFailure($"192.0.2.{100 + i}", user: v))]);
        // Whole lines only: the 64 KB value's record (about 260 KB of hex) reaches the file in several writes,
        // and the ban commands run side by side, so the last record may still be half written.
        await Wait.UntilAsync(() => File.Exists(records) && File.ReadAllText(records) is var text && text.EndsWith('\n') && text.Count(c => c == '\n') == Values.Length,
            "every ban to be recorded", engine, seconds: 120);

        var received = File.ReadAllLines(records).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => Text(r.GetProperty("argv")[0].GetString()!));
        for (var i = 0; i < Values.Length; i++)
        {
            var record = received[$"192.0.2.{100 + i}"];
            var expected = Values[i].Replace('\0', '\uFFFD');
            var argv = record.GetProperty("argv").EnumerateArray().Select(a => Text(a.GetString()!)).ToArray();
            Assert.Equal([$"192.0.2.{100 + i}", expected, $"user={expected};"], argv);
            Assert.Equal(expected, Text(record.GetProperty("env").GetProperty("SCANJAIL_F_USER").GetString()!));
        }
    }

    private static string Text(string hex) => Encoding.UTF8.GetString(Convert.FromHexString(hex));

    public void Dispose() => _config.Dispose();
}
