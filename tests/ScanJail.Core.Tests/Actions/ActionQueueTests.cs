using Microsoft.Extensions.Logging;
using ScanJail.Core.Actions;
using ScanJail.Tests.Support;
using static ScanJail.Core.Tests.Actions.Fixtures;

namespace ScanJail.Core.Tests.Actions;

/// <summary>The queue around real commands: order, start and stop, timeouts, retries and isolation.</summary>
public sealed class ActionQueueTests : IDisposable
{
    private static readonly ActionRetryOptions Once = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1);
    private readonly Scratch _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Lifecycle(string log) => $"""
        start: [sh, -c, 'echo start >> "$0"', {log}]
        check: [sh, -c, 'echo check >> "$0"', {log}]
        ban:   [sh, -c, 'echo "ban $1" >> "$0"', {log}, "<ip>"]
        unban: [sh, -c, 'echo "unban $1" >> "$0"', {log}, "<ip>"]
        stop:  [sh, -c, 'echo stop >> "$0"', {log}]
        """;

    [Fact]
    public async Task Start_runs_once_before_the_first_item_and_stop_at_dispose()
    {
        var log = _dir.File("life");
        var action = Create(Lifecycle(Quote(log)));

        action.Enqueue(ActionVerb.Check, null);
        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.1"));
        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.2"));
        action.Enqueue(ActionVerb.Unban, Ban("192.0.2.1"));
        await action.DrainAsync(Bounded());
        var beforeDispose = await File.ReadAllTextAsync(log);
        await action.DisposeAsync();

        Assert.Equal("start\ncheck\nban 192.0.2.1\nban 192.0.2.2\nunban 192.0.2.1\n", beforeDispose);
        Assert.Equal(beforeDispose + "stop\n", await File.ReadAllTextAsync(log));
        Assert.Equal(6, action.Health.Succeeded);
    }

    [Fact]
    public async Task An_unused_action_never_starts_or_stops()
    {
        var log = _dir.File("life");
        var action = Create(Lifecycle(Quote(log)));

        await action.DrainAsync(Bounded());
        await action.DisposeAsync();

        Assert.False(File.Exists(log));
    }

    [Fact]
    public async Task An_explicit_stop_runs_stop_and_the_next_ban_starts_again()
    {
        var log = _dir.File("life");
        await using var action = Create(Lifecycle(Quote(log)));

        action.Enqueue(ActionVerb.Start, null);
        action.Enqueue(ActionVerb.Start, null);
        action.Enqueue(ActionVerb.Stop, null);
        action.Enqueue(ActionVerb.Stop, null);
        action.Enqueue(ActionVerb.Ban, Ban());
        await action.DrainAsync(Bounded());

        Assert.Equal("start\nstop\nstart\nban 203.0.113.9\n", await File.ReadAllTextAsync(log));
    }

    [Fact]
    public async Task A_ban_without_a_ban_record_runs_nothing()
    {
        var log = _dir.File("life");
        await using var action = Create(Lifecycle(Quote(log)));

        action.Enqueue(ActionVerb.Ban, null);
        await action.DrainAsync(Bounded());

        Assert.False(File.Exists(log));
        Assert.Equal((1L, "ban: no ban given, nothing run"), (action.Health.Failed, action.Health.LastError));
    }

    [Fact]
    public async Task A_command_over_its_timeout_is_killed_with_its_children()
    {
        var pidFile = _dir.File("pid");
        await using var action = Create($"""
            timeout: 2
            ban: [sh, -c, 'sleep 30 & echo $! > "$0"; wait', {Quote(pidFile)}]
            """, retry: Once);

        action.Enqueue(ActionVerb.Ban, Ban());
        await Until.TrueAsync(() => action.Health.Failed == 1, "the ban to fail");

        Assert.Contains("'sh' timed out after 2s and was killed", action.Health.LastError, StringComparison.Ordinal);
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Until.TrueAsync(() => !Running(pid), $"the child sleep (pid {pid}) to be gone");
        Assert.Equal(0, action.Health.Pending);
    }

    [Fact]
    public async Task A_missing_program_fails_to_start_and_says_so()
    {
        await using var action = Create("ban: [/nonexistent/scanjail-test-program, x]", retry: Once);

        action.Enqueue(ActionVerb.Ban, Ban());
        await action.DrainAsync(Bounded());

        Assert.Equal((0L, 1L), (action.Health.Succeeded, action.Health.Failed));
        Assert.StartsWith("ban 203.0.113.9: '/nonexistent/scanjail-test-program' could not start", action.Health.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_line_of_stderr_and_the_exit_code_show_in_health()
    {
        var time = new ManualTimeProvider();
        await using var action = Create("ban: [sh, -c, 'echo \"chain missing\" >&2; echo second >&2; exit 3']", time: time, retry: Once);

        action.Enqueue(ActionVerb.Ban, Ban());
        await action.DrainAsync(Bounded());

        Assert.Equal("ban 203.0.113.9: 'sh' exited with 3: chain missing", action.Health.LastError);
        Assert.Equal(time.GetUtcNow(), action.Health.LastErrorAt);
    }

    [Fact]
    public async Task Long_stderr_is_cut_short()
    {
        await using var action = Create("ban: [sh, -c, 'head -c 100000 /dev/zero | tr \"\\0\" x >&2; exit 1']", retry: Once);

        action.Enqueue(ActionVerb.Ban, Ban());
        await action.DrainAsync(Bounded());

        var error = action.Health.LastError!;
        Assert.EndsWith("xxx...", error, StringComparison.Ordinal);
        Assert.InRange(error.Length, 150, 240);
    }

    [Fact]
    public async Task A_failing_command_is_retried_with_exponential_backoff_then_given_up()
    {
        var time = new ManualTimeProvider();
        var logger = new ListLogger();
        await using var action = Create("ban: [false]", time: time, logger: logger,
            retry: new ActionRetryOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), 4));

        action.Enqueue(ActionVerb.Ban, Ban());
        await Until.TrueAsync(() => action.Health.Failed == 1, "the ban to be given up", step: () => time.Advance(TimeSpan.FromMilliseconds(500)));

        var health = action.Health;
        Assert.Equal((0L, 1L, 3L, 0), (health.Succeeded, health.Failed, health.Retrying, health.Pending));
        Assert.Equal("ban 203.0.113.9: 'false' exited with 1", health.LastError);
        Assert.True(health.LastErrorAt >= Start + TimeSpan.FromSeconds(1 + 2 + 3), $"last error at {health.LastErrorAt}");
        var delays = logger.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Text[(l.Text.IndexOf("retrying in ", StringComparison.Ordinal) + 12)..][..8]);
        Assert.Equal(["00:00:01", "00:00:02", "00:00:03"], delays);
        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("failed after 4 attempts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_retried_ban_is_not_lost_and_later_items_wait_their_turn()
    {
        var time = new ManualTimeProvider();
        var flag = _dir.File("firewall-ready");
        var log = _dir.File("log");
        await using var action = Create($"""
            ban:   [sh, -c, 'test -e "$0" && echo "ban $1" >> "$2"', {Quote(flag)}, "<ip>", {Quote(log)}]
            unban: [sh, -c, 'echo "unban $1" >> "$0"', {Quote(log)}, "<ip>"]
            """, time: time, retry: ActionRetryOptions.Default);

        action.Enqueue(ActionVerb.Ban, Ban());
        action.Enqueue(ActionVerb.Unban, Ban());
        await Until.TrueAsync(() => action.Health.Retrying >= 2, "two failed attempts", step: () => time.Advance(TimeSpan.FromMilliseconds(500)));

        Assert.False(File.Exists(log), "the unban overtook the ban being retried");
        Assert.Equal(2, action.Health.Pending);
        await File.WriteAllTextAsync(flag, "");
        await Until.TrueAsync(() => action.Health.Succeeded == 2, "both to succeed", step: () => time.Advance(TimeSpan.FromMilliseconds(500)));

        Assert.Equal("ban 203.0.113.9\nunban 203.0.113.9\n", await File.ReadAllTextAsync(log));
        Assert.Equal(0, action.Health.Failed);
    }

    [Fact]
    public async Task A_failed_step_is_retried_from_that_step()
    {
        var time = new ManualTimeProvider();
        var flag = _dir.File("flag");
        var log = _dir.File("log");
        await using var action = Create($"""
            ban:
              - [sh, -c, 'echo one >> "$0"', {Quote(log)}]
              - [sh, -c, 'test -e "$0" && echo two >> "$1"', {Quote(flag)}, {Quote(log)}]
            """, time: time, retry: ActionRetryOptions.Default);

        action.Enqueue(ActionVerb.Ban, Ban());
        await Until.TrueAsync(() => action.Health.Retrying >= 2, "two failed attempts", step: () => time.Advance(TimeSpan.FromMilliseconds(500)));
        await File.WriteAllTextAsync(flag, "");
        await Until.TrueAsync(() => action.Health.Succeeded == 1, "the ban to succeed", step: () => time.Advance(TimeSpan.FromMilliseconds(500)));

        Assert.Equal("one\ntwo\n", await File.ReadAllTextAsync(log));
    }

    [Fact]
    public async Task A_slow_action_does_not_delay_another()
    {
        var gate = _dir.File("gate");
        var log = _dir.File("fast");
        await using var slow = Create($"ban: [sh, -c, 'while [ ! -e \"$0\" ]; do sleep 0.05; done', {Quote(gate)}]", name: "slow");
        await using var fast = Create($"ban: [sh, -c, 'echo \"ban $1\" >> \"$0\"', {Quote(log)}, \"<ip>\"]", name: "fast");

        slow.Enqueue(ActionVerb.Ban, Ban());
        fast.Enqueue(ActionVerb.Ban, Ban());
        await fast.DrainAsync(Bounded());

        Assert.Equal("ban 203.0.113.9\n", await File.ReadAllTextAsync(log));
        Assert.Equal((0L, 0L, 1), (slow.Health.Succeeded, slow.Health.Failed, slow.Health.Pending));
        await File.WriteAllTextAsync(gate, "");
        await slow.DrainAsync(Bounded());
        Assert.Equal(1, slow.Health.Succeeded);
    }

    [Fact]
    public async Task Dispose_cancels_a_backoff_wait_and_drops_the_rest_and_enqueue_never_throws_after()
    {
        var time = new ManualTimeProvider();
        var action = Create("ban: [false]", time: time, retry: ActionRetryOptions.Default);

        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.1"));
        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.2"));
        await Until.TrueAsync(() => action.Health.Retrying == 1, "the first failure");
        await action.DisposeAsync().AsTask().WaitAsync(Bounded());
        action.Enqueue(ActionVerb.Ban, Ban("192.0.2.3"));
        await action.DrainAsync(Bounded());
        await action.DisposeAsync();

        var health = action.Health;
        Assert.Equal((1L, 0, 0L), (health.Failed, health.Pending, health.Succeeded));
        Assert.Equal(2, ((QueuedAction)action).Dropped);
    }

    [Fact]
    public async Task The_log_action_writes_bans_and_unbans_to_the_engine_log()
    {
        var logger = new ListLogger();
        await using var action = Create("kind: log", logger: logger, name: "log");

        action.Enqueue(ActionVerb.Ban, Ban());
        action.Enqueue(ActionVerb.Ban, Ban("2001:db8::1") with { End = null, Failures = 5 });
        action.Enqueue(ActionVerb.Unban, Ban());
        action.Enqueue(ActionVerb.Flush, null);
        await action.DrainAsync(Bounded());

        Assert.Equal(
            [
                (LogLevel.Warning, "Ban ssh 203.0.113.9 for 600s after 3 failures"),
                (LogLevel.Warning, "Ban ssh 2001:db8::1 permanently after 5 failures"),
                (LogLevel.Information, "Unban ssh 203.0.113.9"),
            ],
            logger.Lines);
        Assert.Equal(3, action.Health.Succeeded);
        Assert.Equal("log", action.Name);
    }

    [Fact]
    public void Backoff_doubles_up_to_its_cap()
    {
        var delays = Enumerable.Range(1, 9).Select(n => ActionRetryOptions.Default.DelayAfter(n).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays);
        Assert.Equal(TimeSpan.FromSeconds(60), ActionRetryOptions.Default.DelayAfter(int.MaxValue));
    }

    /// <summary>A zombie (killed, not yet reaped by a container's init) counts as gone.</summary>
    private static bool Running(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
