using System.Net;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;
using ScanJail.Core.Engine;
using ScanJail.Core.Jails;
using ScanJail.Core.Persistence;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Bans;

/// <summary>
/// The <c>Ban</c> log line waits for the engine's release of the ban's actions (so an idle ban's command
/// starts before the line is formatted and the console logger's thread woken); a book given no release
/// writes it at once. A real SQLite file; the action records what reaches it, because the order between
/// it and the log line is the property under test and a real command's start can only be read back
/// through timing.
/// </summary>
public sealed class BanLineOrderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scanjail-banline-");
    private readonly List<string> _events = [];
    private readonly ActionRelease _release = new();
    private readonly SqliteStore _store;

    public BanLineOrderTests() => _store = SqliteStore.Open(Path.Combine(_dir.FullName, "bans.db"));

    [Fact]
    public void Inside_a_batch_the_ban_line_comes_after_the_actions_are_handed_out()
    {
        using var book = BatchedBook();
        var jail = MakeJail(new HeldAction(new EventAction(_events), _release));

        _release.Hold();
        Assert.NotNull(book.Ban(jail, IPAddress.Parse("192.0.2.7"), 3, new Dictionary<string, string>()));
        Assert.Empty(_events); // neither the action nor the line before the release

        _release.Release();
        Assert.Equal(["action Ban 192.0.2.7", "log Warning [ssh] Ban 192.0.2.7 (3 failures, 01:00:00)"], _events);
    }

    [Fact]
    public void A_ban_and_an_unban_in_one_batch_keep_their_lines_in_order()
    {
        using var book = BatchedBook();
        var jail = MakeJail(new HeldAction(new EventAction(_events), _release));

        _release.Hold();
        Assert.NotNull(book.Ban(jail, IPAddress.Parse("192.0.2.8"), 3, new Dictionary<string, string>()));
        Assert.True(book.Unban(jail, IPAddress.Parse("192.0.2.8"), "manual"));
        Assert.Empty(_events);

        _release.Release();
        Assert.Equal(["action Ban 192.0.2.8", "action Unban 192.0.2.8",
            "log Warning [ssh] Ban 192.0.2.8 (3 failures, 01:00:00)", "log Warning [ssh] Unban 192.0.2.8 (manual)"], _events);
    }

    [Fact]
    public void A_book_given_no_release_writes_the_line_at_once()
    {
        using var book = new BanBook(_store, new ManualTimeProvider(), new EventLogger(_events), () => { });
        var jail = MakeJail(new EventAction(_events));

        Assert.NotNull(book.Ban(jail, IPAddress.Parse("2001:db8::7"), 5, new Dictionary<string, string>(), permanent: true));
        Assert.Equal(["action Ban 2001:db8::7", "log Warning [ssh] Ban 2001:db8::7 (5 failures, permanent)"], _events);
    }

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }

    // The engine's way: the book's lines wait for the batch's release.
    private BanBook BatchedBook() => new(_store, new ManualTimeProvider(), new EventLogger(_events), () => { }) { AfterActionsStart = _release.AfterRelease };

    private static Jail MakeJail(IJailAction action) =>
        new(new JailConfig("ssh", true, [], null!, new Dictionary<string, string>(), TimeSpan.FromMinutes(10), 3,
            new BanTimePolicy(TimeSpan.FromHours(1)), [], false, []), null!, [action]);

    private sealed class EventAction(List<string> events) : IJailAction
    {
        public string Name => "events";

        public ActionHealth Health => new("events", 0, 0, 0, 0, null, null);

        public void Enqueue(ActionVerb verb, Ban? ban) => events.Add($"action {verb} {ban?.Address}");

        public Task DrainAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class EventLogger(List<string> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            events.Add($"log {logLevel} {formatter(state, exception)}");
    }
}
