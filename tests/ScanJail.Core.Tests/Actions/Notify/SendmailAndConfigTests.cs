using ScanJail.Core.Actions;
using ScanJail.Core.Configuration;

namespace ScanJail.Core.Tests.Actions.Notify;

public sealed class SendmailAndConfigTests
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Sendmail_gets_the_message_on_stdin_with_t_and_i_and_no_shell()
    {
        using var scratch = new Scratch();
        // No MTA is installed here: a stand-in program records its argv and stdin (a real process, a real pipe).
        var program = scratch.File("sendmail");
        File.WriteAllText(program, $"#!/bin/sh\nprintf '%s\\n' \"$@\" > {Fixtures.Quote(scratch.File("argv"))}\ncat > {Fixtures.Quote(scratch.File("message"))}\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var action = Fixtures.Create("kind: sendmail\n", parameters: new Dictionary<string, string>
        {
            ["sendmail"] = program, ["to"] = "admin@example.org", ["subject"] = "<jail> <ip> $(reboot) `id`",
        }, name: "sendmail");

        action.Enqueue(ActionVerb.Ban, Fixtures.Ban());
        await action.DrainAsync(Fixtures.Bounded());

        Assert.Equal(1, action.Health.Succeeded);
        Assert.Equal("-t\n-i\n", File.ReadAllText(scratch.File("argv")));
        var mail = ReceivedMail.Parse(File.ReadAllText(scratch.File("message")));
        Assert.Equal("admin@example.org", mail.Headers["To"]);
        Assert.Equal("ssh 203.0.113.9 $(reboot) `id`", mail.Subject);
        Assert.Contains("banned 203.0.113.9 in jail ssh", mail.Body, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_failing_sendmail_is_retried_and_shown()
    {
        using var scratch = new Scratch();
        var program = scratch.File("sendmail");
        File.WriteAllText(program, "#!/bin/sh\ncat > /dev/null\necho 'mail queue full' >&2\nexit 75\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var action = Fixtures.Create("kind: sendmail\n", parameters: new Dictionary<string, string> { ["sendmail"] = program }, name: "sendmail");
        action.Enqueue(ActionVerb.Ban, Fixtures.Ban());
        await action.DrainAsync(Fixtures.Bounded());
        Assert.Equal(1, action.Health.Failed);
        Assert.Equal(2, action.Health.Retrying);
        Assert.Equal($"ban 203.0.113.9: '{program}' exited with 75: mail queue full", action.Health.LastError);
    }

    [Theory]
    [InlineData("kind: mail\n", "tls", "fast", "expected none, starttls or implicit")]
    [InlineData("kind: mail\n", "to", "not an address", "is not a plain mail address")]
    [InlineData("kind: mail\n", "port", "99999", "expected a port from 1 to 65535")]
    [InlineData("kind: mail\n", "digest", "soon", "an interval of at least 1s")]
    [InlineData("kind: mail\n", "password_file", "/nonexistent/pw", "no such file")]
    [InlineData("kind: webhook\nparameters: { url: 'http://127.0.0.1/h' }\n", "method", "GET", "expected POST or PUT")]
    [InlineData("kind: webhook\nparameters: { url: 'http://127.0.0.1/h' }\n", "ban_body", "{\"n\": <failures>", "not JSON once its tags are filled")]
    [InlineData("kind: webhook\nparameters: { url: 'http://127.0.0.1/h' }\n", "headers", "no colon here", "each line must be 'Name: value'")]
    [InlineData("kind: webhook\nparameters: { url: 'http://127.0.0.1/h' }\n", "queue", "0", "how many notices may wait")]
    [InlineData("kind: webhook\n", "url", "ftp://example.org", "absolute http:// or https://")]
    public void A_bad_value_is_a_configuration_error_naming_the_parameter(string yaml, string name, string value, string message)
    {
        var definition = Fixtures.Definition(yaml, "notify");
        var errors = new ConfigErrors();
        ActionFactory.MergeParameters(definition, new Dictionary<string, string> { [name] = value }, errors, "jail.yaml", null, "ssh");
        var error = Assert.Single(errors.Sorted()).ToString();
        Assert.Contains($"actions.notify.{name}", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_notification_kind_runs_no_commands()
    {
        var errors = new ConfigErrors();
        Assert.Null(ActionLoader.Parse("kind: webhook\nban: [curl, x]\n", "actions/w.yaml", "w", errors));
        Assert.Contains("a 'webhook' action runs no commands", string.Join("\n", errors.Sorted()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mail")]
    [InlineData("sendmail")]
    [InlineData("webhook")]
    public void The_shipped_action_loads_and_a_jail_can_use_it(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "actions", name + ".yaml");
        var errors = new ConfigErrors();
        var definition = ActionLoader.Load(path, name, errors);
        Assert.True(definition is not null, string.Join("\n", errors.Sorted()));
        var given = name == "webhook" ? new Dictionary<string, string> { ["url"] = "https://hooks.example.org/x" } : [];
        ActionFactory.MergeParameters(definition, given, errors, "jail.yaml", null, "ssh");
        Assert.Empty(errors.Sorted());
    }
}
