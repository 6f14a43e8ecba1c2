using System.Net;
using Microsoft.Data.Sqlite;
using ScanJail.Core.Bans;
using ScanJail.Core.Persistence;

namespace ScanJail.Core.Tests.Persistence;

/// <summary>
/// The engine loop's commits leave the write-ahead log to the background sync's checkpoint (<see cref="BackgroundSync"/>)
/// instead of checkpointing it themselves past SQLite's default 1,000 pages, with its two fsyncs on the loop; past
/// <see cref="SqliteStore.LoopCheckpointPages"/> they still do, so the log stays bounded if that sync falls behind.
/// Measured on a real file by the log's size on disk (it keeps its high-water mark until a checkpoint restarts it).
/// </summary>
public sealed class LoopCheckpointTests : IDisposable
{
    private const int PageWithFrame = 4096 + 24; // a page in the log, with its frame header
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("scanjail-loopckpt-");

    [Fact]
    public void Commits_grow_the_log_past_sqlites_default_and_checkpoint_it_themselves_only_past_the_bound()
    {
        var path = Path.Combine(_dir.FullName, "sj.db");
        var wal = new FileInfo(path + "-wal");
        using var store = SqliteStore.Open(path);
        var fields = new Dictionary<string, string> { ["user"] = new('x', 3000) }; // about a page per ban
        // Each commit appends its pages to the log, so the file grows, until a checkpoint by a commit (nothing else runs
        // one here) lets the next commit write from the log's start again: the file stops growing.
        long before = 0;
        for (var i = 0; i < 40_000; i++)
        {
            store.BeginBatch();
            store.SaveBan(new Ban("sshd", new IPAddress(BitConverter.GetBytes(0x0A000000 + i)), DateTimeOffset.UnixEpoch.AddSeconds(i), null, 1, 1, fields, false));
            store.CommitBatch();
            wal.Refresh();
            if (wal.Length <= before)
            {
                break;
            }
            before = wal.Length;
        }
        var frames = (before - 32) / PageWithFrame;
        Assert.True(frames > 2 * 1000, $"the log held {frames} pages when a commit checkpointed it (SQLite's default: 1,000)");
        Assert.InRange(frames, SqliteStore.LoopCheckpointPages, SqliteStore.LoopCheckpointPages + 16);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(true);
    }
}
