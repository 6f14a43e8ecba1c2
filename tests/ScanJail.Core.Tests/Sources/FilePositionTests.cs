using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Sources;

/// <summary>Restarts: the saved position of the same file is resumed; another file is read from its start.</summary>
public sealed class FilePositionTests
{
    [Fact]
    public async Task A_restart_resumes_at_the_saved_position_without_repeating_a_line()
    {
        var positions = new MemoryPositionStore();
        string path;
        string directory;
        await using (var first = new TailHarness { Positions = positions })
        {
            directory = first.Directory;
            path = first.PathOf("a.log");
            File.WriteAllText(path, "");
            first.Start(path);
            await TailHarness.Settle();
            TailHarness.Append(path, "one\ntwo\n");
            await first.WaitForCount(2);
            await first.StopAsync();
            // Written while the engine is down.
            TailHarness.Append(path, "three\nfour\n");

            await using var second = new TailHarness(directory) { Positions = positions };
            second.Start(path);
            await second.WaitForCount(2);
            TailHarness.Append(path, "five\n");
            await second.WaitForCount(3);
            await TailHarness.Settle();
            Assert.Equal(["three", "four", "five"], second.Texts);
        }
    }

    [Fact]
    public async Task A_saved_position_of_another_file_means_reading_the_new_file_from_its_start()
    {
        var positions = new MemoryPositionStore();
        await using var tail = new TailHarness { Positions = positions };
        var path = tail.PathOf("a.log");
        File.WriteAllText(path, "new 1\nnew 2\n");
        var inode = SameFileInode(path) + 1_000_000;
        positions.Save(new FilePosition(path, 1, inode, 5));
        tail.Start(path);
        await tail.WaitForCount(2);
        Assert.Equal(["new 1", "new 2"], tail.Texts);
    }

    [Fact]
    public async Task The_rest_of_a_file_rotated_while_stopped_is_read_from_path_1_first()
    {
        var positions = new MemoryPositionStore();
        var directory = Directory.CreateTempSubdirectory("scanjail-tail-").FullName;
        await using (var first = new TailHarness(directory) { Positions = positions })
        {
            var path = first.PathOf("a.log");
            File.WriteAllText(path, "");
            first.Start(path);
            await TailHarness.Settle();
            TailHarness.Append(path, "old 1\n");
            await first.WaitForCount(1);
            await first.StopAsync();
            TailHarness.Append(path, "old 2\n");
            File.Move(path, path + ".1");
            File.WriteAllText(path, "new 1\n");

            await using var second = new TailHarness(directory) { Positions = positions };
            second.Start(path);
            await second.WaitForCount(2);
            await TailHarness.Settle();
            Assert.Equal(["old 2", "new 1"], second.Texts);
        }

        Directory.Delete(directory, recursive: true);
    }

    private static ulong SameFileInode(string path)
    {
        Assert.True(FileIdentity.TryOfPath(path, out var identity, out _));
        return identity.Inode;
    }
}
