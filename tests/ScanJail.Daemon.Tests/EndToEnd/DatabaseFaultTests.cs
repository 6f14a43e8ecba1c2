using System.Diagnostics;
using System.Text.Json;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// Issue 8, point 3: the database locked by another process, or on a full disk, while the engine runs:
/// the error is logged and counted, the engine keeps banning from memory (its actions run), and once
/// the fault clears what it could not write (the ban, positions and failures) is written.
/// </summary>
public sealed class DatabaseFaultTests : IDisposable
{
    private const string A = "192.0.2.160";
    private const string B = "192.0.2.161";
    private readonly TestConfig _config = new();

    [Fact]
    public async Task A_database_locked_by_another_process_is_reported_the_ban_holds_and_is_written_once_unlocked()
    {
        WriteConfig();
        var db = Path.Combine(_config.Dir, "sj.db");
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        // sqlite3's own BEGIN EXCLUSIVE from another process, held until the test writes a line to it.
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["-c", "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\nsys.stdin.readline()\nc.execute('COMMIT')\n", db])
        {
            start.ArgumentList.Add(arg);
        }
        using var locker = Process.Start(start)!;
        try
        {
            Assert.Equal("locked", await locker.StandardOutput.ReadLineAsync());
            await BansFromMemoryAsync(engine, db, "database is locked");
        }
        finally
        {
            await locker.StandardInput.WriteLineAsync("done");
            await locker.StandardInput.FlushAsync();
            await locker.WaitForExitAsync();
        }
        Assert.Equal(0, locker.ExitCode);
        await WrittenOnceClearedAsync(engine, db);
    }

    [Fact]
    public async Task A_full_disk_is_reported_the_ban_holds_and_state_is_written_once_there_is_room()
    {
        WriteConfig();
        // A small tmpfs for the database, mounted in the engine's own mount namespace only (it goes with the process).
        var state = Directory.CreateDirectory(Path.Combine(_config.Dir, "state")).FullName;
        var db = Path.Combine(state, "sj.db");
        await using var engine = await EngineProcess.StartWrappedAsync(_config.Dir,
            ["unshare", "-m", "--propagation", "private", "sh", "-c", $"mount -t tmpfs -o size=4m scanjail-test '{state}' && exec \"$0\" \"$@\""], db);
        // The test sees the engine's mounts through /proc/PID/root.
        var inside = $"/proc/{engine.Pid}/root{db}";
        var filler = $"/proc/{engine.Pid}/root{Path.Combine(state, "filler")}";
        Assert.True(File.Exists(inside), "the database on the engine's tmpfs");
        Assert.False(File.Exists(db), "the tmpfs is not visible outside the engine's mount namespace");
        FillLeavingTheLogNoRoom(inside, filler);
        try
        {
            await BansFromMemoryAsync(engine, inside, "full");
        }
        finally
        {
            File.Delete(filler);
        }
        await WrittenOnceClearedAsync(engine, inside);
    }

    /// <summary>A ban while the database refuses writes: the action runs, status lists it, and errors are counted and logged.</summary>
    private async Task BansFromMemoryAsync(EngineProcess engine, string db, string error)
    {
        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure(A));
        await Wait.UntilAsync(() => _config.ActionLines().Contains($"ban ssh {A}"), "the ban from memory", engine, seconds: 60);
        await Wait.UntilAsync(async () => await CounterAsync(engine, "database.errors") > 0 && await CounterAsync(engine, "checkpoint.errors") > 0,
            "the database and checkpoint errors to be counted", engine, seconds: 60);
        Assert.Contains(error, engine.Output, StringComparison.OrdinalIgnoreCase);
        // The checkpoints that counted errors wrote the ban again into a batch whose commit failed: not "written".
        Assert.DoesNotContain(Rewritten(A), engine.Output, StringComparison.Ordinal);
        Assert.Contains(A, (await engine.ClientAsync("banned")).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(StateDatabase.Bans(db), b => b.Address == A);
        Assert.False(engine.HasExited);
    }

    /// <summary>Once the fault is gone, the ban made meanwhile and the file position reach the database, and new bans are written at once.</summary>
    private async Task WrittenOnceClearedAsync(EngineProcess engine, string db)
    {
        await Wait.UntilAsync(() => StateDatabase.Bans(db).Any(b => b.Address == A), "the ban made during the fault to be written", engine, seconds: 60);
        await Wait.UntilAsync(() => engine.Output.Contains(Rewritten(A), StringComparison.Ordinal), "the log to say the ban was written", engine);
        var size = new FileInfo(_config.AuthLog).Length;
        await Wait.UntilAsync(() => StateDatabase.Offset(db, _config.AuthLog) == size, "the position to be saved again", engine, seconds: 60);
        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure(B));
        await Wait.UntilAsync(() => _config.ActionLines().Contains($"ban ssh {B}"), "a ban after the fault", engine, seconds: 60);
        await Wait.UntilAsync(() => StateDatabase.Bans(db).Any(b => b.Address == B), "the new ban to be written", engine);
        Assert.Equal(0, await engine.StopAsync());
    }

    private static string Rewritten(string address) => $"Ban of {address} written to the database after an earlier failure";

    /// <summary>
    /// Fills the tmpfs so that the engine's next write needs a block it cannot have. Filling it is not
    /// enough: SQLite keeps its write-ahead log's size once a checkpoint has copied the log into the
    /// database (the engine's runs once a second) and writes the next frames from the log's start, into
    /// blocks the file already has. Filled after that checkpoint, the tmpfs refused nothing: the ban and
    /// the position fit in the frames the start-up's writes left (21 here), and no error was ever counted.
    /// So the log is first cut to 0 bytes, then the tmpfs filled; the log still empty after the fill shows
    /// that the engine wrote nothing in between (it is idle: nothing new to read), else it is done again.
    /// </summary>
    private static void FillLeavingTheLogNoRoom(string db, string filler)
    {
        for (var attempt = 1; ; attempt++)
        {
            StateDatabase.TruncateLog(db);
            Fill(filler);
            var log = new FileInfo(db + "-wal").Length;
            if (log == 0)
            {
                return;
            }
            Assert.True(attempt < 5, $"the engine's write-ahead log to stay empty while the tmpfs is filled: {log} bytes, {attempt} times");
            File.Delete(filler);
        }
    }

    private static void Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                file.Write(block);
                file.Flush();
            }
        }
        catch (IOException)
        {
            // No space left on the device: full, as wanted.
        }
    }

    internal static async Task<long> CounterAsync(EngineProcess engine, string name)
    {
        var (code, stdout, _) = await engine.ClientAsync("--json", "stats");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        return FindNumber(doc.RootElement, name) ?? 0;
    }

    private static long? FindNumber(JsonElement element, string name)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == name && property.Value.ValueKind == JsonValueKind.Number)
                    {
                        return property.Value.GetInt64();
                    }
                    if (FindNumber(property.Value, name) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(e => FindNumber(e, name)).FirstOrDefault(v => v is not null);
            default:
                return null;
        }
    }

    private void WriteConfig()
    {
        _config.WriteRecordAction();
        _config.WriteSshJail("record");
        _config.TouchAuthLog();
    }

    public void Dispose() => _config.Dispose();
}
