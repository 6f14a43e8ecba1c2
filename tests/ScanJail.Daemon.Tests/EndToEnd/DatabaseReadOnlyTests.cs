using ScanJail.Tests.Support;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// Issue 8, point 3: the database's file system becomes read-only while the engine runs. The error is
/// logged and counted, the engine runs on, the bans it has stay in force, new bans are enforced from
/// memory, and after the file system is repaired and the engine started again nothing is lost.
/// <para>
/// How: the database lives on a small ext4 image, loop-mounted with <c>errors=remount-ro</c> in the
/// engine's own mount namespace, and <c>/sys/fs/ext4/loopN/trigger_fs_error</c> raises a file system
/// error, so the kernel forces it read-only with the engine's files open for writing, as on a failing
/// disk. A plain <c>mount -o remount,ro</c> (or <c>remount,bind,ro</c>) is refused with EBUSY while any
/// file is open for writing, so it cannot stage this. Linux keeps such a file system read-only (the
/// journal is aborted, <c>emergency_ro</c>) until it is unmounted and checked: the test stops the engine
/// (exit 74, the log lists what is lost), runs e2fsck and starts it again. The bans made during the
/// fault come back from the log lines read again after the last saved position.
/// </para>
/// </summary>
public sealed class DatabaseReadOnlyTests : IDisposable
{
    private const string A = "192.0.2.180";
    private const string B = "192.0.2.181";
    private readonly TestConfig _config = new();

    [Fact]
    public async Task A_file_system_made_read_only_under_the_engine_is_reported_bans_hold_and_a_restart_after_repair_loses_none()
    {
        _config.WriteRecordAction();
        _config.WriteSshJail("record");
        _config.TouchAuthLog();
        var image = Path.Combine(_config.Dir, "state.img");
        using (var file = File.Create(image))
        {
            file.SetLength(16 << 20);
        }
        await Run.OkAsync("mkfs.ext4", "-q", "-F", image);
        var state = Directory.CreateDirectory(Path.Combine(_config.Dir, "state")).FullName;
        var db = Path.Combine(state, "sj.db");
        string[] wrapper = ["unshare", "-m", "--propagation", "private", "sh", "-c", $"mount -o loop,errors=remount-ro '{image}' '{state}' && exec \"$0\" \"$@\""];

        await using (var engine = await EngineProcess.StartWrappedAsync(_config.Dir, wrapper, db))
        {
            var inside = $"/proc/{engine.Pid}/root{db}";
            TestConfig.Append(_config.AuthLog, TestConfig.SshFailure(A));
            await Wait.UntilAsync(() => _config.ActionLines().Contains($"ban ssh {A}"), "A's ban enforced", engine);
            // Durable, not only committed: the database file itself (without its write-ahead log, which lives in
            // the page cache until synced) holds A's ban and the position after it.
            var size = new FileInfo(_config.AuthLog).Length;
            await Wait.UntilAsync(() => OnDisk(inside, d => StateDatabase.Bans(d).Any(b => b.Address == A) && StateDatabase.Offset(d, _config.AuthLog) == size),
                "A's ban and the position after it synced into the database file", engine);

            await File.WriteAllTextAsync($"/sys/fs/ext4/{LoopDevice(engine.Pid, state)}/trigger_fs_error", "1");
            Assert.ThrowsAny<IOException>(() => File.WriteAllText($"/proc/{engine.Pid}/root{state}/probe", "x")); // really read-only now

            TestConfig.Append(_config.AuthLog, TestConfig.SshFailure(B));
            await Wait.UntilAsync(() => _config.ActionLines().Contains($"ban ssh {B}"), "B's ban enforced from memory", engine, seconds: 60);
            await Wait.UntilAsync(async () => await DatabaseFaultTests.CounterAsync(engine, "database.errors") > 0
                && await DatabaseFaultTests.CounterAsync(engine, "checkpoint.errors") > 0, "the database and checkpoint errors counted", engine, seconds: 60);
            Assert.Equal(1, await DatabaseFaultTests.CounterAsync(engine, "database.unsaved"));
            Assert.Contains("Read-only file system", engine.Output, StringComparison.Ordinal);
            var banned = (await engine.ClientAsync("banned")).Stdout;
            Assert.Contains(A, banned, StringComparison.Ordinal);
            Assert.Contains(B, banned, StringComparison.Ordinal);
            Assert.DoesNotContain(_config.ActionLines(), l => l.StartsWith("unban", StringComparison.Ordinal)); // nothing lifted
            Assert.False(engine.HasExited);

            var exit = await engine.StopAsync();
            Assert.True(exit == 74, $"exit {exit} (EX_IOERR: the stop could not save everything)\n{engine.Output}");
            Assert.Contains("not written to", engine.Output, StringComparison.Ordinal);
        }

        // The engine's mount namespace went with it; once the loop device is released, the file system is checked.
        await Wait.UntilAsync(async () => (await Run.OkAsync("losetup", "-j", image)).Length == 0, "the loop device released");
        var (fsck, fsckOut, fsckErr) = await Run.Async("e2fsck", "-f", "-y", image);
        Assert.True(fsck is 0 or 1, $"e2fsck exited {fsck}: {fsckOut}{fsckErr}"); // 1: errors corrected

        await using (var engine = await EngineProcess.StartWrappedAsync(_config.Dir, wrapper, db))
        {
            var inside = $"/proc/{engine.Pid}/root{db}";
            await Wait.UntilAsync(() => StateDatabase.Bans(inside).Any(b => b.Address == B), "B's ban made again from its line and written", engine, seconds: 60);
            Assert.Contains(StateDatabase.Bans(inside), b => b.Address == A);
            var banned = (await engine.ClientAsync("banned")).Stdout;
            Assert.Contains(A, banned, StringComparison.Ordinal);
            Assert.Contains(B, banned, StringComparison.Ordinal);
            Assert.Equal(0, await engine.StopAsync());
        }
    }

    /// <summary>Asks <paramref name="check"/> of a copy of the database file alone, as a power cut would leave it if the log were lost.</summary>
    private bool OnDisk(string db, Func<string, bool> check)
    {
        var copy = Path.Combine(_config.Dir, $"copy-{Guid.NewGuid():N}.db");
        try
        {
            File.Copy(db, copy);
            return check(copy);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return false; // copied while a checkpoint was writing it: try again
        }
        finally
        {
            foreach (var file in Directory.GetFiles(_config.Dir, Path.GetFileName(copy) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>The loop device (<c>loopN</c>) mounted on <paramref name="mountPoint"/> in the process's mount namespace.</summary>
    private static string LoopDevice(int pid, string mountPoint)
    {
        // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - TYPE SOURCE SUPEROPTIONS
        var line = File.ReadLines($"/proc/{pid}/mountinfo").Single(l => l.Split(' ')[4] == mountPoint);
        var source = line[(line.IndexOf(" - ", StringComparison.Ordinal) + 3)..].Split(' ')[1];
        Assert.StartsWith("/dev/loop", source, StringComparison.Ordinal);
        return Path.GetFileName(source);
    }

    public void Dispose() => _config.Dispose();
}
