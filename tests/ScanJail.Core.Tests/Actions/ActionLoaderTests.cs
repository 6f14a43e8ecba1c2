using ScanJail.Core.Actions;
using ScanJail.Core.Configuration;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Actions;

public sealed class ActionLoaderTests
{
    private static (ActionDefinition? Definition, IReadOnlyList<ConfigError> Errors) Load(string yaml)
    {
        var errors = new ConfigErrors();
        var definition = ActionLoader.Parse(yaml, "actions/test.yaml", "test", errors);
        return (definition, errors.Sorted());
    }

    private static ConfigError Single(string yaml)
    {
        var (definition, errors) = Load(yaml);
        Assert.Null(definition);
        return Assert.Single(errors);
    }

    [Fact]
    public void The_acceptance_example_loads()
    {
        var (definition, errors) = Load("""
            ban:   [sh, -c, 'printf "ban %s %s\n" "$1" "$2" >> "$3"', record, "<jail>", "<ip>", "/tmp/x/actions.log"]
            unban: [sh, -c, 'printf "unban %s %s\n" "$1" "$2" >> "$3"', record, "<jail>", "<ip>", "/tmp/x/actions.log"]
            """);

        Assert.Empty(errors);
        Assert.NotNull(definition);
        Assert.Equal("command", definition.Kind);
        Assert.Equal(ActionLoader.DefaultTimeout, definition.Timeout);
        var ban = Assert.Single(definition.Commands[ActionVerb.Ban]);
        Assert.Equal(["sh", "-c", "printf \"ban %s %s\\n\" \"$1\" \"$2\" >> \"$3\"", "record", "<jail>", "<ip>", "/tmp/x/actions.log"], ban);
        Assert.Equal(2, definition.Commands.Count);
    }

    [Fact]
    public void A_verb_can_be_a_list_of_commands_run_in_order()
    {
        var (definition, errors) = Load("""
            description: two steps
            parameters: { chain: INPUT, port: all }
            timeout: 5
            start:
              - [nft, add, table, inet, scanjail]
              - [nft, add, chain, inet, scanjail, "<chain>"]
            ban: [nft, add, element, inet, scanjail, "<chain>", "{ <ip> }"]
            """);

        Assert.Empty(errors);
        Assert.Equal(2, definition!.Commands[ActionVerb.Start].Count);
        Assert.Equal("<chain>", definition.Commands[ActionVerb.Start][1][5]);
        Assert.Equal(TimeSpan.FromSeconds(5), definition.Timeout);
        Assert.Equal("INPUT", definition.Parameters["chain"]);
        Assert.Equal("all", definition.Parameters["port"]);
    }

    [Fact]
    public void The_shipped_log_action_loads()
    {
        var path = Path.Combine(RepositoryRoot(), "actions", "log.yaml");
        var errors = new ConfigErrors();

        var definition = ActionLoader.Load(path, "log", errors);

        Assert.Empty(errors.Items);
        Assert.Equal("log", definition!.Kind);
        Assert.Empty(definition.Commands);
    }

    [Fact]
    public void The_schema_example_in_the_docs_loads()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "actions.md"));
        var from = doc.IndexOf("```yaml", doc.IndexOf("## Schema", StringComparison.Ordinal), StringComparison.Ordinal) + 7;
        var yaml = doc[from..doc.IndexOf("```", from, StringComparison.Ordinal)];

        var (definition, errors) = Load(yaml);

        Assert.Empty(errors);
        Assert.Equal(6, definition!.Commands.Count);
        Assert.Equal(["iptables", "-I", "scanjail-<jail>", "-s", "<ip>", "-j", "DROP"], definition.Commands[ActionVerb.Ban][0]);
        Assert.Equal(2, definition.Commands[ActionVerb.Stop].Count);
    }

    [Fact]
    public void An_unknown_key_is_an_error_at_its_line()
    {
        var error = Single("""
            ban: [true]
            unbann: [true]
            """);

        Assert.Equal((2, 1, "unbann"), (error.Line, error.Column, error.Field));
        Assert.Contains("unknown key 'unbann'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_argv_is_an_error()
    {
        var error = Single("ban: []\n");

        Assert.Equal((1, 6, "ban"), (error.Line, error.Column, error.Field));
        Assert.Contains("empty argv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_argv_inside_a_list_is_an_error()
    {
        var error = Single("""
            ban:
              - [true]
              - []
            """);

        Assert.Equal((3, 5), (error.Line, error.Column));
    }

    [Fact]
    public void A_shell_string_is_refused()
    {
        var error = Single("ban: iptables -I INPUT -s <ip> -j DROP\n");

        Assert.Equal(1, error.Line);
        Assert.Contains("never runs a shell string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_mapping_in_an_argv_is_refused()
    {
        var error = Single("ban: [echo, { a: b }]\n");

        Assert.Equal((1, 13), (error.Line, error.Column));
    }

    [Fact]
    public void A_command_action_needs_ban()
    {
        var error = Single("unban: [true]\n");

        Assert.Equal("ban", error.Field);
    }

    [Fact]
    public void An_empty_program_is_refused()
    {
        var error = Single("ban: ['', x]\n");

        Assert.Contains("program", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_action_runs_no_commands()
    {
        var error = Single("kind: log\nban: [true]\n");

        Assert.Equal((2, "ban"), (error.Line, error.Field));
    }

    [Fact]
    public void An_unknown_kind_is_an_error()
    {
        var error = Single("kind: shell\nban: [true]\n");

        Assert.Equal((1, "kind"), (error.Line, error.Field));
    }

    [Theory]
    [InlineData("timeout: 0")]
    [InlineData("timeout: -3")]
    [InlineData("timeout: 86401")]
    [InlineData("timeout: [1]")]
    public void A_bad_timeout_is_an_error(string line)
    {
        var error = Single($"{line}\nban: [true]\n");

        Assert.Equal((1, "timeout"), (error.Line, error.Field));
    }

    [Theory]
    [InlineData("parameters: { ip: x }", "built-in")]
    [InlineData("parameters: { '1x': x }", "not a usable parameter name")]
    [InlineData("parameters: { a: [x] }", "single value")]
    [InlineData("parameters: [a]", "mapping")]
    public void Bad_parameters_are_errors(string line, string message)
    {
        var error = Single($"{line}\nban: [true]\n");

        Assert.Equal(1, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ban: [sh, -c, 'echo <user>']")]
    [InlineData("ban: [bash, -ec, 'logger \"<user>\"', x]")]
    [InlineData("ban: [/bin/sh, -o, pipefail, -c, 'echo <user>']")]
    [InlineData("ban: [busybox, sh, -c, 'echo <user>']")]
    [InlineData("ban: [/usr/bin/env, LANG=C, dash, -c, 'echo <user>']")]
    [InlineData("ban: [zsh, -c, --, 'echo <user>']")]
    [InlineData("ban: [sh, '<user>']")]
    [InlineData("ban: ['<user>', x]")]
    public void A_capture_tag_in_shell_code_is_refused_at_its_element(string line)
    {
        var error = Single(line + "\n");

        Assert.Equal(1, error.Line);
        // The column is the opening quote of the element that holds the tag.
        var element = line.LastIndexOf('\'', line.IndexOf("<user>", StringComparison.Ordinal));
        Assert.Equal(element + 1, error.Column);
        Assert.Contains("<user>", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ban: [sh, -c, 'printf \"%s\" \"$1\"', x, '<user>']")]
    [InlineData("ban: [sh, -c, 'iptables -I <chain> -s <ip> -j DROP # <jail> <bantime> <failures> <family> <time> <count>']")]
    [InlineData("ban: [logger, -t, scanjail, 'user <user> from <ip>']")]
    [InlineData("ban: [sh, script.sh, '<user>']")]
    public void Built_ins_parameters_and_captures_as_data_are_allowed(string line)
    {
        var (definition, errors) = Load($"parameters: {{ chain: INPUT }}\n{line}\n");

        Assert.Empty(errors);
        Assert.NotNull(definition);
    }

    [Fact]
    public void Every_error_of_a_broken_file_is_listed_with_its_place()
    {
        var (definition, errors) = Load("""
            kind: command
            parameters: { chain: INPUT, ip: x }
            timeout: 0
            start: []
            ban:
              - [sh, -c, 'iptables -I <chain> -s <ip> -m comment --comment "<user>"']
              - [true, [nested]]
            unban: "iptables -D INPUT -s <ip> -j DROP"
            flsuh: [true]
            """);

        Assert.Null(definition);
        Golden.Verify(string.Join("\n", errors) + "\n", "ActionLoaderTests.BrokenFile");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ScanJail.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("ScanJail.sln not found above the test binaries");
    }
}
