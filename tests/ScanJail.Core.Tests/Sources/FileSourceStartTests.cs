using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Configuration;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Sources;

/// <summary>
/// <see cref="FileSource.Started"/> is what the engine waits for before it says "Ready": it must mean
/// that every file has its start offset, even while reading a backlog waits on a slow engine.
/// </summary>
public sealed class FileSourceStartTests
{
    [Fact]
    public async Task Started_does_not_wait_for_a_backlog_and_a_line_appended_after_it_is_not_skipped()
    {
        var directory = Directory.CreateTempSubdirectory("scanjail-start-").FullName;
        using var stop = new CancellationTokenSource();
        Task? run = null;
        try
        {
            var backlog = Path.Combine(directory, "a.log");
            var other = Path.Combine(directory, "b.log");
            File.WriteAllText(backlog, string.Concat(Enumerable.Range(0, 10).Select(i => $"backlog {i}\n")));
            File.WriteAllText(other, "before start\n");
            // a.log was read up to its start last time, so it has a backlog; b.log has no saved position, so it starts at its end.
            Assert.True(FileIdentity.TryOfPath(backlog, out var identity, out _));
            var positions = new MemoryPositionStore();
            positions.Save(new FilePosition(backlog, identity.Device, identity.Inode, 0));

            // One line of room and nobody reading yet: an engine too busy to take lines.
            var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
            var source = new FileSource(new FileSourceConfig(Path.Combine(directory, "*.log")), positions, TimeProvider.System, NullLogger.Instance);
            run = Task.Run(() => source.RunAsync(channel.Writer, stop.Token));

            var started = await Task.WhenAny(source.Started, Task.Delay(TimeSpan.FromSeconds(20)));
            Assert.True(started == source.Started, "Started waited for the backlog to be read");
            File.AppendAllText(other, "after start\n");

            var texts = new List<string>();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (texts.Count < 11)
            {
                texts.Add((await channel.Reader.ReadAsync(limit.Token)).Text);
            }

            // The files are read one after the other, in the glob's order: compare without it.
            string[] expected = [.. Enumerable.Range(0, 10).Select(i => $"backlog {i}"), "after start"];
            Assert.Equal(expected.Order(StringComparer.Ordinal), texts.Order(StringComparer.Ordinal));
        }
        finally
        {
            await stop.CancelAsync();
            if (run is not null)
            {
                await run;
            }

            Directory.Delete(directory, recursive: true);
        }
    }
}
