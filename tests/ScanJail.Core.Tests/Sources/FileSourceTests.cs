using Microsoft.Extensions.Logging;

namespace ScanJail.Core.Tests.Sources;

public sealed class FileSourceTests
{
    [Fact]
    public async Task Appended_lines_appear_with_their_path_and_the_position_after_them()
    {
        await using var tail = new TailHarness();
        var path = tail.PathOf("auth.log");
        File.WriteAllText(path, "old line\n");
        tail.Start(path);
        await TailHarness.Settle();

        TailHarness.Append(path, "first\nsecond\r\n");
        await tail.WaitForCount(2);

        Assert.Equal(["first", "second"], tail.Texts);
        var last = tail.Lines.Last();
        Assert.Equal(path, last.Source);
        Assert.Equal(new FileInfo(path).Length, last.Position!.Offset);
        Assert.Equal(path, last.Position.Path);
        Assert.NotEqual(0UL, last.Position.Inode);
        Assert.Equal(2, tail.Source!.Counters.Lines.Value);
    }

    [Fact]
    public async Task A_new_file_is_read_from_its_end_unless_from_start_is_asked()
    {
        await using var fromEnd = new TailHarness();
        var path = fromEnd.PathOf("a.log");
        File.WriteAllText(path, "before 1\nbefore 2\n");
        fromEnd.Start(path);
        await TailHarness.Settle();
        TailHarness.Append(path, "after\n");
        await fromEnd.WaitForCount(1);
        await TailHarness.Settle();
        Assert.Equal(["after"], fromEnd.Texts);

        await using var fromStart = new TailHarness();
        var other = fromStart.PathOf("b.log");
        File.WriteAllText(other, "before 1\nbefore 2\n");
        fromStart.Start(other, fromStart: true);
        await fromStart.WaitForCount(2);
        Assert.Equal(["before 1", "before 2"], fromStart.Texts);
    }

    [Fact]
    public async Task Starting_from_the_end_inside_a_line_skips_the_rest_of_that_line()
    {
        await using var tail = new TailHarness();
        var path = tail.PathOf("a.log");
        File.WriteAllText(path, "complete\nhalf of a li");
        tail.Start(path);
        await TailHarness.Settle();
        TailHarness.Append(path, "ne\nnext\n");
        await tail.WaitForCount(1);
        await TailHarness.Settle();
        Assert.Equal(["next"], tail.Texts);
    }

    [Fact]
    public async Task A_missing_file_is_waited_for_with_one_warning_and_read_from_its_start()
    {
        await using var tail = new TailHarness();
        var path = tail.PathOf("later.log");
        tail.Start(path);
        await TailHarness.WaitFor(() => tail.Logger.Entries.Any(e => e.Level == LogLevel.Warning), "the warning");
        await TailHarness.Settle();

        File.WriteAllText(path, "first\nsecond\n");
        await tail.WaitForCount(2);
        Assert.Equal(["first", "second"], tail.Texts);
        Assert.Single(tail.Logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(0, tail.Source!.Counters.Errors.Value);
    }

    [Fact]
    public async Task A_file_whose_directory_appears_later_is_found_by_polling()
    {
        // No directory, so no inotify watch until the next rescan: the poll timer finds the file first.
        await using var tail = new TailHarness();
        var path = tail.PathOf("later/app.log");
        tail.Start(path);
        await TailHarness.Settle();
        Directory.CreateDirectory(tail.PathOf("later"));
        File.WriteAllText(path, "first\n");
        await tail.WaitForCount(1);
        TailHarness.Append(path, "second\n");
        await tail.WaitForCount(2);
        Assert.Equal(["first", "second"], tail.Texts);
    }

    [Fact]
    public async Task An_over_long_line_is_dropped_and_counted_and_the_next_line_still_arrives()
    {
        await using var tail = new TailHarness();
        var path = tail.PathOf("a.log");
        File.WriteAllText(path, "");
        tail.Start(path, maxLineLength: 100);
        await TailHarness.Settle();

        // One long line in pieces larger than the limit, then a short one, then one too long in a single write.
        TailHarness.Append(path, new string('x', 150));
        await TailHarness.Settle();
        TailHarness.Append(path, new string('y', 150) + "\nshort\n" + new string('z', 101) + "\nlast\n");
        await tail.WaitForCount(2);
        await TailHarness.Settle();

        Assert.Equal(["short", "last"], tail.Texts);
        Assert.Equal(2, tail.Source!.Counters.TooLong.Value);
        Assert.Equal(new FileInfo(path).Length, tail.Lines.Last().Position!.Offset);
    }

    [Fact]
    public async Task A_line_of_exactly_the_maximum_length_is_kept()
    {
        await using var tail = new TailHarness();
        var path = tail.PathOf("a.log");
        File.WriteAllText(path, "");
        tail.Start(path, maxLineLength: 10);
        await TailHarness.Settle();
        TailHarness.Append(path, "0123456789\n");
        await tail.WaitForCount(1);
        Assert.Equal("0123456789", tail.Texts[0]);
    }

    [Fact]
    public async Task Invalid_utf8_is_counted_and_emitted_with_replacement_characters()
    {
        await using var tail = new TailHarness();
        var path = tail.PathOf("a.log");
        File.WriteAllText(path, "");
        tail.Start(path);
        await TailHarness.Settle();

        byte[] bad = [.. "bad "u8, 0xC3, 0x28, (byte)' ', 0xFF, 0x00, (byte)'!', (byte)'\n', .. "good é\n"u8];
        TailHarness.AppendBytes(path, bad);
        await tail.WaitForCount(2);

        Assert.Equal("bad \uFFFD( \uFFFD\0!", tail.Texts[0]);
        Assert.Equal("good é", tail.Texts[1]);
        Assert.Equal(1, tail.Source!.Counters.InvalidUtf8.Value);
    }

    [Fact]
    public async Task A_last_line_without_newline_waits_until_it_is_completed()
    {
        await using var tail = new TailHarness();
        var path = tail.PathOf("a.log");
        File.WriteAllText(path, "");
        tail.Start(path);
        await TailHarness.Settle();

        TailHarness.Append(path, "done\nhalf");
        await tail.WaitForCount(1);
        await TailHarness.Settle();
        Assert.Equal(["done"], tail.Texts);

        TailHarness.Append(path, " and rest\n");
        await tail.WaitForCount(2);
        Assert.Equal(["done", "half and rest"], tail.Texts);
    }

    [Fact]
    public async Task A_glob_follows_every_match_and_picks_up_a_file_created_later()
    {
        await using var tail = new TailHarness();
        File.WriteAllText(tail.PathOf("a.log"), "");
        File.WriteAllText(tail.PathOf("other.txt"), "");
        tail.Start(tail.PathOf("*.log"));
        await TailHarness.Settle();

        TailHarness.Append(tail.PathOf("a.log"), "from a\n");
        await tail.WaitForCount(1);
        File.WriteAllText(tail.PathOf("b.log"), "from b 1\n");
        await tail.WaitForCount(2);
        TailHarness.Append(tail.PathOf("b.log"), "from b 2\n");
        TailHarness.Append(tail.PathOf("other.txt"), "not followed\n");
        await tail.WaitForCount(3);
        await TailHarness.Settle();

        Assert.Equal(["from a", "from b 1", "from b 2"], tail.Texts);
        Assert.Equal(tail.PathOf("b.log"), tail.Lines.Last().Source);
    }

    [Fact]
    public async Task A_glob_in_a_directory_segment_is_expanded_too()
    {
        await using var tail = new TailHarness();
        Directory.CreateDirectory(tail.PathOf("site1"));
        Directory.CreateDirectory(tail.PathOf("site2"));
        File.WriteAllText(tail.PathOf("site1/access.log"), "one\n");
        File.WriteAllText(tail.PathOf("site2/access.log"), "two\n");
        tail.Start(tail.PathOf("site*/access.log"), fromStart: true);
        await tail.WaitForCount(2);
        Assert.Equal(["one", "two"], tail.Texts.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unreadable_file_is_an_error_counted_and_retried_not_a_failure()
    {
        if (Environment.IsPrivilegedProcess || !OperatingSystem.IsLinux())
        {
            // Root reads anything; make the file unreadable by putting a directory at its path instead.
            await UnreadableAsDirectory();
            return;
        }

        await using var tail = new TailHarness();
        var path = tail.PathOf("a.log");
        File.WriteAllText(path, "line\n");
        File.SetUnixFileMode(path, UnixFileMode.None);
        tail.Start(path, fromStart: true);
        await TailHarness.WaitFor(() => tail.Source!.Counters.Errors.Value == 1, "the error");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await tail.WaitForCount(1);
        Assert.Equal(["line"], tail.Texts);
        Assert.Equal(1, tail.Source!.Counters.Errors.Value);
    }

    private static async Task UnreadableAsDirectory()
    {
        await using var tail = new TailHarness();
        var path = tail.PathOf("a.log");
        Directory.CreateDirectory(path);
        tail.Start(path, fromStart: true);
        await TailHarness.WaitFor(() => tail.Source!.Counters.Errors.Value == 1, "the error");
        Directory.Delete(path);
        File.WriteAllText(path, "line\n");
        await tail.WaitForCount(1);
        Assert.Equal(["line"], tail.Texts);
        Assert.Equal(1, tail.Source!.Counters.Errors.Value);
    }
}
