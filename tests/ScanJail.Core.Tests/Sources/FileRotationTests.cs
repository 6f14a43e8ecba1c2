namespace ScanJail.Core.Tests.Sources;

/// <summary>
/// Each rotation mode while a writer appends numbered lines: every number must arrive exactly once.
/// </summary>
public sealed class FileRotationTests
{
    private const int Total = 3000;

    [Fact]
    public async Task Rename_and_create_loses_and_repeats_nothing()
    {
        await using var tail = await StartedAsync();
        var path = tail.PathOf("app.log");
        using var writer = new NumberedWriter(path);
        await writer.WriteAsync(Total / 2);

        File.Move(path, path + ".1");
        File.WriteAllText(path, "");
        // The daemon keeps writing to the renamed file until it is told to reopen.
        await writer.WriteAsync(50);
        writer.Reopen();
        await writer.WriteAsync(Total / 2 - 50);

        await AssertEveryNumberOnce(tail);
        Assert.Equal(1, tail.Source!.Counters.Rotations.Value);
    }

    [Fact]
    public async Task Delete_and_recreate_loses_and_repeats_nothing()
    {
        await using var tail = await StartedAsync();
        var path = tail.PathOf("app.log");
        using var writer = new NumberedWriter(path);
        await writer.WriteAsync(Total / 2);

        File.Delete(path);
        await writer.WriteAsync(50);
        writer.Reopen();
        await writer.WriteAsync(Total / 2 - 50);

        await AssertEveryNumberOnce(tail);
        Assert.Equal(1, tail.Source!.Counters.Rotations.Value);
    }

    [Fact]
    public async Task Copytruncate_loses_and_repeats_nothing_when_the_writer_pauses_around_it()
    {
        await using var tail = await StartedAsync();
        var path = tail.PathOf("app.log");
        using var writer = new NumberedWriter(path);
        await writer.WriteAsync(Total / 2);

        // copytruncate itself loses what is written between the copy and the truncation, and a file
        // that regrows past the old size before the source looks hides the truncation: the writer
        // pauses across both so the test is exact about everything else.
        await tail.WaitForCount(writer.Written);
        File.Copy(path, path + ".1");
        using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            truncate.SetLength(0);
        }

        await TailHarness.WaitFor(() => tail.Source!.Counters.Rotations.Value == 1, "the truncation to be seen");
        await writer.WriteAsync(Total / 2);

        await AssertEveryNumberOnce(tail);
        Assert.Equal(Enumerable.Range(0, Total).Select(NumberedWriter.Text), tail.Texts);
    }

    [Fact]
    public async Task Several_rotations_in_a_row_lose_and_repeat_nothing()
    {
        await using var tail = await StartedAsync();
        var path = tail.PathOf("app.log");
        using var writer = new NumberedWriter(path);
        for (var round = 1; round <= 5; round++)
        {
            await writer.WriteAsync(Total / 5 - 10);
            File.Move(path, $"{path}.{round}");
            File.WriteAllText(path, "");
            await writer.WriteAsync(10);
            writer.Reopen();
        }

        await AssertEveryNumberOnce(tail);
        Assert.Equal(5, tail.Source!.Counters.Rotations.Value);
    }

    private static async Task<TailHarness> StartedAsync()
    {
        var tail = new TailHarness();
        File.WriteAllText(tail.PathOf("app.log"), "");
        tail.Start(tail.PathOf("app.log"));
        await TailHarness.Settle();
        return tail;
    }

    private static async Task AssertEveryNumberOnce(TailHarness tail)
    {
        await tail.WaitForCount(Total);
        await TailHarness.Settle();
        var texts = tail.Texts;
        Assert.Equal(Total, texts.Length);
        Assert.Equal(Enumerable.Range(0, Total).Select(NumberedWriter.Text), texts.Order(StringComparer.Ordinal));
        Assert.All(tail.Lines, l => Assert.Equal(tail.PathOf("app.log"), l.Source));
    }
}
