using System.Collections.Concurrent;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Sources;

/// <summary>The file source's own inotify reader, on a real directory.</summary>
public sealed class DirectoryWatchersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scanjail-watch-").FullName;
    private readonly ConcurrentQueue<(bool Structural, bool PoolThread)> _wakes = new();
    private readonly ListLogger _logger = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private DirectoryWatchers Watch(params string[] directories)
    {
        var watchers = new DirectoryWatchers(name => name.StartsWith("auth.log", StringComparison.Ordinal),
            structural => _wakes.Enqueue((structural, Thread.CurrentThread.IsThreadPoolThread)), _logger);
        watchers.Update(directories);
        return watchers;
    }

    private async Task<(bool Structural, bool PoolThread)> NextWakeAsync(string what)
    {
        (bool, bool) wake = default;
        await TailHarness.WaitFor(() => _wakes.TryDequeue(out wake), what);
        return wake;
    }

    [Fact]
    public async Task An_append_to_a_followed_file_wakes_on_the_watchers_own_thread_and_other_names_do_not_wake()
    {
        var log = Path.Combine(_dir, "auth.log");
        File.WriteAllText(log, "");
        using var watchers = Watch(_dir);

        TailHarness.Append(Path.Combine(_dir, "other.log"), "not followed\n");
        TailHarness.Append(log, "line\n");

        Assert.Equal((false, false), await NextWakeAsync("the append to wake"));
        Assert.True(_wakes.IsEmpty, "the file of another name woke the source");
    }

    [Fact]
    public async Task Creating_renaming_and_deleting_a_followed_name_asks_for_a_rescan()
    {
        var log = Path.Combine(_dir, "auth.log");
        using var watchers = Watch(_dir);

        File.WriteAllText(log, "");
        Assert.True((await NextWakeAsync("the creation")).Structural);
        _wakes.Clear();
        File.Move(log, log + ".1");
        Assert.True((await NextWakeAsync("the rename")).Structural);
        _wakes.Clear();
        File.Delete(log + ".1");
        Assert.True((await NextWakeAsync("the deletion")).Structural);
    }

    [Fact]
    public async Task A_watched_directory_removed_and_made_again_is_watched_again_at_the_next_update()
    {
        var sub = Path.Combine(_dir, "logs");
        Directory.CreateDirectory(sub);
        using var watchers = Watch(sub);

        Directory.Delete(sub);
        Assert.True((await NextWakeAsync("the directory's removal")).Structural);
        Directory.CreateDirectory(sub);
        watchers.Update([sub]);
        _wakes.Clear();
        TailHarness.Append(Path.Combine(sub, "auth.log"), "line\n");

        await NextWakeAsync("an append in the new directory");
    }

    [Fact]
    public void A_directory_that_cannot_be_watched_is_said_once_and_left_to_polling()
    {
        var missing = Path.Combine(_dir, "missing");
        using var watchers = Watch(missing);
        watchers.Update([missing]);

        Assert.Single(_logger.Entries, e => e.Message.Contains(missing, StringComparison.Ordinal) && e.Message.Contains("polling", StringComparison.Ordinal));
        Assert.True(watchers.IsWatching);
    }

    [Fact]
    public async Task Dispose_ends_the_watching_thread_even_when_called_from_inside_a_wake()
    {
        var log = Path.Combine(_dir, "auth.log");
        File.WriteAllText(log, "");
        DirectoryWatchers? watchers = null;
        watchers = new DirectoryWatchers(_ => true, _ => watchers!.Dispose(), _logger);
        watchers.Update([_dir]);

        TailHarness.Append(log, "line\n");

        await TailHarness.WaitFor(() => !watchers.IsWatching, "the watching thread to end");
        watchers.Update([_dir]); // after the end: nothing, no descriptor reused
        watchers.Dispose();
    }
}
