using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Actions;
using ScanJail.Tests.Support;
using static ScanJail.Core.Tests.Actions.Fixtures;

namespace ScanJail.Core.Tests.Actions;

/// <summary>Real processes: what a command receives is exactly what the templates said, as data.</summary>
public sealed class CommandActionTests : IDisposable
{
    private readonly Scratch _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_acceptance_record_action_writes_the_ban_and_the_unban()
    {
        var log = Quote(_dir.File("actions.log"));
        await using var action = Create($"""
            ban:   [sh, -c, 'printf "ban %s %s\n" "$1" "$2" >> "$3"', record, "<jail>", "<ip>", {log}]
            unban: [sh, -c, 'printf "unban %s %s\n" "$1" "$2" >> "$3"', record, "<jail>", "<ip>", {log}]
            """);

        action.Enqueue(ActionVerb.Ban, Ban());
        action.Enqueue(ActionVerb.Unban, Ban());
        await action.DrainAsync(Bounded());

        Assert.Equal("ban ssh 203.0.113.9\nunban ssh 203.0.113.9\n", await File.ReadAllTextAsync(_dir.File("actions.log")));
        Assert.Equal((2L, 0L, 0), (action.Health.Succeeded, action.Health.Failed, action.Health.Pending));
        Assert.Null(action.Health.LastError);
    }

    public static TheoryData<string> Hostile => new()
    {
        "x; touch PWNED",
        "$(touch PWNED)",
        "`touch PWNED`",
        "' ; touch PWNED ; '",
        "\" ; touch PWNED ; \"",
        "a\nb\r\nc\ttouch PWNED",
        "<ip> <jail> <user>",
        "-n",
        "--help",
        "",
        " leading and trailing ",
        "ünïcødé ✓ 𝔘",
        "%s%n%x\\0\\n",
        "x from 198.51.100.7",
        "\u001b[31mred\u001b[0m\u001b]0;title\u0007\u001b[2J",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_capture_arrives_as_one_exact_argument_and_runs_nothing(string template)
    {
        var pwned = _dir.File("pwned");
        var value = template.Replace("PWNED", pwned, StringComparison.Ordinal);

        var received = await RunWithUserAsync(value);

        Assert.Equal(value, received.Argument);
        Assert.Equal(value, received.Environment);
        Assert.Equal("1", received.Count);
        Assert.False(File.Exists(pwned), "a capture was executed");
    }

    [Fact]
    public async Task A_64_kilobyte_capture_arrives_whole()
    {
        var value = string.Concat(Enumerable.Repeat("$(touch x); '\"`\n", 64 * 1024 / 16));
        Assert.Equal(64 * 1024, value.Length);

        var received = await RunWithUserAsync(value);

        Assert.Equal(value, received.Argument);
        Assert.Equal(value, received.Environment);
    }

    [Fact]
    public async Task NUL_in_a_capture_arrives_as_the_replacement_character()
    {
        var received = await RunWithUserAsync("a\0b\0");

        Assert.Equal("a\uFFFDb\uFFFD", received.Argument);
        Assert.Equal("a\uFFFDb\uFFFD", received.Environment);
        Assert.Equal("1", received.Count);
    }

    [Fact]
    public async Task Tags_render_inside_one_argument_with_built_ins_parameters_and_captures()
    {
        var output = _dir.File("args");
        await using var action = Create($$"""
            parameters: { chain: INPUT, port: all }
            ban: [sh, -c, 'for a in "$@"; do printf "%s|" "$a"; done > "$0"', {{Quote(output)}},
                  "<ip>/<family>", "<jail>:<bantime>:<failures>:<time>:<count>", "<chain>-<port>", "<user>@<ip>", "<nothing>", "<port-x>"]
            """, parameters: new Dictionary<string, string> { ["port"] = "22" });
        var fields = new Dictionary<string, string> { ["user"] = "root", ["ip"] = "6.6.6.6", ["chain"] = "EVIL" };

        action.Enqueue(ActionVerb.Ban, Ban("2001:db8::7", fields));
        await action.DrainAsync(Bounded());

        var start = Start.ToUnixTimeSeconds();
        Assert.Equal($"2001:db8::7/inet6|ssh:600:3:{start}:1|INPUT-22|root@2001:db8::7|||", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task A_permanent_ban_has_bantime_minus_one_and_IPv4_is_inet4()
    {
        var output = _dir.File("args");
        await using var action = Create($"ban: [sh, -c, 'printf %s \"$1\" > \"$0\"', {Quote(output)}, '<bantime> <family>']");

        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.1") with { End = null });
        await action.DrainAsync(Bounded());

        Assert.Equal("-1 inet4", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task Every_tag_is_also_in_the_environment()
    {
        var output = _dir.File("env");
        Environment.SetEnvironmentVariable("SCANJAIL_F_STALE", "inherited");
        try
        {
            await using var action = Create($"""
                parameters: {"{"} chain: INPUT {"}"}
                ban: [sh, -c, 'env | grep ^SCANJAIL_ | LC_ALL=C sort > "$0"', {Quote(output)}]
                """, time: new ManualTimeProvider(Start));

            action.Enqueue(ActionVerb.Ban, Ban(fields: new Dictionary<string, string> { ["user"] = "root", ["src-port"] = "22" }));
            await action.DrainAsync(Bounded());
        }
        finally
        {
            Environment.SetEnvironmentVariable("SCANJAIL_F_STALE", null);
        }

        var start = Start.ToUnixTimeSeconds();
        Assert.Equal(
            $"SCANJAIL_BANTIME=600\nSCANJAIL_COUNT=1\nSCANJAIL_FAILURES=3\nSCANJAIL_FAMILY=inet4\nSCANJAIL_F_SRC_PORT=22\nSCANJAIL_F_USER=root\nSCANJAIL_IGNOREIP=\n" +
            $"SCANJAIL_IP=203.0.113.9\nSCANJAIL_JAIL=ssh\nSCANJAIL_P_CHAIN=INPUT\nSCANJAIL_REMAINING=600\nSCANJAIL_TIME={start}\nSCANJAIL_V6=\n",
            await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task Start_gets_the_jails_ignoreip_as_one_argument()
    {
        var output = _dir.File("start");
        var definition = Definition($"""
            ban: ["true"]
            start: [sh, -c, 'printf %s "$1|$SCANJAIL_IGNOREIP" > "$0"', {Quote(output)}, '<ignoreip>']
            """, "record");
        var config = new ActionConfig("record", definition, definition.Parameters) { IgnoreIp = "192.0.2.0/24 2001:db8::/32" };
        await using var action = ActionFactory.Create(config, "ssh", TimeProvider.System, NullLogger.Instance);

        action.Enqueue(ActionVerb.Start, null);
        await action.DrainAsync(Bounded());

        Assert.Equal("192.0.2.0/24 2001:db8::/32|192.0.2.0/24 2001:db8::/32", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task The_command_has_the_engines_environment_and_a_variable_named_twice_has_its_last_value()
    {
        var output = _dir.File("env");
        await using var action = Create($"ban: [sh, -c, 'env > \"$0\"', {Quote(output)}]");

        // Both field names become SCANJAIL_F_SRC_PORT.
        action.Enqueue(ActionVerb.Ban, Ban(fields: new Dictionary<string, string> { ["src-port"] = "1", ["src_port"] = "2" }));
        await action.DrainAsync(Bounded());

        var variables = await File.ReadAllLinesAsync(output);
        Assert.Contains("PATH=" + Environment.GetEnvironmentVariable("PATH"), variables);
        Assert.Equal(["SCANJAIL_F_SRC_PORT=2"], variables.Where(v => v.StartsWith("SCANJAIL_F_SRC_PORT=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_commands_of_a_verb_run_in_order()
    {
        var output = Quote(_dir.File("steps"));
        await using var action = Create($"""
            ban:
              - [sh, -c, 'echo one >> "$0"', {output}]
              - [sh, -c, 'echo two >> "$0"', {output}]
              - [sh, -c, 'echo three >> "$0"', {output}]
            """);

        action.Enqueue(ActionVerb.Ban, Ban());
        await action.DrainAsync(Bounded());

        Assert.Equal("one\ntwo\nthree\n", await File.ReadAllTextAsync(_dir.File("steps")));
        Assert.Equal(1, action.Health.Succeeded);
    }

    private async Task<(string Argument, string Environment, string Count)> RunWithUserAsync(string user)
    {
        var arg = _dir.File("arg");
        var env = _dir.File("env");
        var count = _dir.File("count");
        // $1 is the capture as an argument; the rest of "$@" shows it was not split.
        await using var action = Create($"""
            ban: [sh, -c, 'printf "%s" "$1" > "$2"; printf "%s" "$SCANJAIL_F_USER" > "$3"; printf "%s" "$(($# - 3))" > "$4"', x, "<user>", {Quote(arg)}, {Quote(env)}, {Quote(count)}]
            """);

        action.Enqueue(ActionVerb.Ban, Ban(fields: new Dictionary<string, string> { ["user"] = user }));
        await action.DrainAsync(Bounded());

        Assert.True(action.Health.Succeeded == 1, action.Health.LastError);
        var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        return (await File.ReadAllTextAsync(arg, utf8), await File.ReadAllTextAsync(env, utf8), await File.ReadAllTextAsync(count));
    }
}
