using FsCheck;
using FsCheck.Fluent;
using ScanJail.Client;

namespace ScanJail.Daemon.Tests.Client;

/// <summary>The client's own command-line parser, against the client's real command table.</summary>
public sealed class CommandLineParserTests
{
    private static ParsedCommandLine Parse(params string[] args) => CommandLineParser.Parse(args, ClientCommandLine.Commands);

    [Fact]
    public void Arguments_fill_in_order_and_options_take_their_values()
    {
        var parsed = Parse("ban", "ssh", "203.0.113.9", "--time", "1h");

        Assert.Empty(parsed.Errors);
        Assert.Equal("ban", parsed.Command?.Name);
        Assert.Equal("ssh", parsed.Value("JAIL"));
        Assert.Equal("203.0.113.9", parsed.Value("ADDR"));
        Assert.Equal("1h", parsed.Value("--time"));
    }

    [Fact]
    public void An_option_takes_its_value_after_an_equals_sign_too()
    {
        var parsed = Parse("--socket=/tmp/a.sock", "report", "--since=7d");

        Assert.Empty(parsed.Errors);
        Assert.Equal("/tmp/a.sock", parsed.Socket);
        Assert.Equal("7d", parsed.Value("--since"));
    }

    [Fact]
    public void The_common_options_go_anywhere_on_the_line()
    {
        Prop.ForAll(Gen.Choose(0, 2).Two().ToArbitrary(), places =>
        {
            // The command's words in order; each common option (a word, or a word and its value) put among them.
            var line = new List<string[]> { new[] { "status" }, new[] { "ssh" } };
            line.Insert(places.Item1, ["--socket", "/run/x.sock"]);
            line.Insert(Math.Min(places.Item2, line.Count), ["--json"]);
            var parsed = Parse([.. line.SelectMany(words => words)]);
            return parsed.Errors.Count == 0 && parsed.Json && parsed.Socket == "/run/x.sock"
                && parsed.Command?.Name == "status" && parsed.Value("JAIL") == "ssh";
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void After_a_double_dash_a_word_is_an_argument_even_when_it_starts_with_a_dash()
    {
        var parsed = Parse("status", "--", "-odd-jail");

        Assert.Empty(parsed.Errors);
        Assert.Equal("-odd-jail", parsed.Value("JAIL"));
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'selfdestruct'.", "selfdestruct")]
    [InlineData("Unrecognized command or argument '--frobnicate'.", "status", "--frobnicate")]
    [InlineData("Unrecognized command or argument 'extra'.", "status", "ssh", "extra")]
    [InlineData("Required argument missing for command 'ban': ADDR.", "ban", "ssh")]
    [InlineData("Required argument missing for option: '--time'.", "ban", "ssh", "203.0.113.9", "--time")]
    [InlineData("Option '--all' takes no value.", "unban", "--all=yes")]
    [InlineData("Unrecognized command or argument '--time'.", "status", "--time", "1h")]
    [InlineData("Required command was not provided.")]
    public void What_does_not_fit_the_syntax_is_named(string error, params string[] args)
    {
        Assert.Contains(error, Parse(args).Errors);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public void Help_needs_no_command_and_no_required_argument(string word)
    {
        Assert.Empty(Parse(word).Errors);
        Assert.True(Parse(word).Help);
        var ban = Parse("ban", word);
        Assert.Empty(ban.Errors);
        Assert.Equal("ban", ban.Command?.Name);
    }

    [Fact]
    public void The_help_lists_every_command_and_a_commands_help_its_arguments_and_options()
    {
        var common = new[] { new OptionSyntax("--json", null, "Print JSON") };
        var all = CommandHelp.Text("The client.", ClientCommandLine.Commands, common, null);
        var ban = CommandHelp.Text("The client.", ClientCommandLine.Commands, common, ClientCommandLine.Commands.Single(c => c.Name == "ban"));

        Assert.All(ClientCommandLine.Commands, command => Assert.Contains($"\n  {command.Name}", all, StringComparison.Ordinal));
        Assert.Contains("Usage:\n  scanjail-client ban <JAIL> <ADDR> [options]\n", ban, StringComparison.Ordinal);
        Assert.Contains("  --time <DURATION>  How long", ban, StringComparison.Ordinal);
        Assert.Contains("  --json             Print JSON\n", ban, StringComparison.Ordinal);
        Assert.DoesNotContain("--version", ban, StringComparison.Ordinal);
    }
}
