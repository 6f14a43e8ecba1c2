using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using ScanJail.Core.Bans;
using ScanJail.Core.Persistence;
using ScanJail.Tests.Support;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// Issue 8, point 3: the engine started on a database it may not write. It refuses to start, with exit 73
/// (EX_CANTCREAT) and a message naming the file and why, before touching anything: no action's start
/// or ban runs, no socket is served, and the file is left as it was. (Why refuse rather than run from
/// memory: docs/faults.md.)
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DatabaseReadOnlyStartTests : IDisposable
{
    private const string Persisted = "192.0.2.170";
    private const UnixFileMode Everyone = (UnixFileMode)0b_111_111_111;
    private readonly TestConfig _config = new();

    [Fact]
    public async Task On_a_read_only_mount_the_engine_refuses_to_start_with_73_and_says_why()
    {
        WriteConfig();
        var state = Directory.CreateDirectory(Path.Combine(_config.Dir, "state")).FullName;
        var db = Path.Combine(state, "sj.db");
        PersistBan(db);
        var before = Hash(db);

        // The state folder bind-mounted read-only in the engine's own mount namespace (as a read-only
        // /var/lib would be): nothing has the files open yet, so the kernel allows the remount.
        var (code, stdout, stderr) = await Run.Async(["unshare", "-m", "--propagation", "private", "sh", "-c",
            $"mount --bind '{state}' '{state}' && mount -o remount,bind,ro '{state}' && exec \"$0\" \"$@\"", .. EngineArgv(db)]);

        Assert.True(code == 73, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains($"the database {db} is read-only ({state}: Read-only file system)", stderr, StringComparison.Ordinal);
        Assert.Contains("give --db a writable path", stderr, StringComparison.Ordinal);
        AssertNothingStarted(db, before);
    }

    [Fact]
    public async Task A_database_file_of_mode_0444_stops_an_engine_not_run_as_root_with_73()
    {
        WriteConfig();
        // nobody must read the configuration, and could write the folder: only the file's mode stands in the way.
        File.SetUnixFileMode(_config.Dir, Everyone);
        var state = Directory.CreateDirectory(Path.Combine(_config.Dir, "state")).FullName;
        File.SetUnixFileMode(state, Everyone);
        var db = Path.Combine(state, "sj.db");
        PersistBan(db);
        File.SetUnixFileMode(db, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var before = Hash(db);

        var (code, stdout, stderr) = await Run.Async(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "env", $"HOME={state}", .. EngineArgv(db)]);

        Assert.True(code == 73, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains($"the database {db} is read-only (the file may not be written)", stderr, StringComparison.Ordinal);
        AssertNothingStarted(db, before);
    }

    [Fact]
    public async Task Mode_0444_does_not_stop_root_which_writes_the_file_anyway()
    {
        // Root passes file modes (CAP_DAC_OVERRIDE): 0444 is no way to keep a root engine from writing.
        WriteConfig();
        var db = Path.Combine(_config.Dir, "sj.db");
        PersistBan(db);
        File.SetUnixFileMode(db, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure("192.0.2.171"));
        await Wait.UntilAsync(() => StateDatabase.Bans(db).Any(b => b.Address == "192.0.2.171"), "the new ban written to the 0444 file", engine);
        Assert.Equal(0, await engine.StopAsync());
    }

    private string[] EngineArgv(string db) =>
        ["dotnet", Path.Combine(EngineProcess.BinDir, "scanjail.dll"), "run", "-c", _config.Dir, "--socket", Path.Combine(_config.Dir, "sj.sock"), "--db", db];

    private void AssertNothingStarted(string db, byte[] before)
    {
        Assert.Empty(_config.ActionLines()); // the persisted ban was not applied, nor anything else run
        Assert.False(File.Exists(Path.Combine(_config.Dir, "sj.sock")), "no control socket");
        Assert.Equal(before, Hash(db));
        Assert.Contains(StateDatabase.Bans(db), b => b.Address == Persisted); // the persisted ban is still there for the next start
    }

    /// <summary>What an engine that banned <see cref="Persisted"/> and stopped cleanly leaves behind (no -wal or -shm file).</summary>
    private static void PersistBan(string db)
    {
        using (var store = SqliteStore.Open(db))
        {
            var now = TimeProvider.System.GetUtcNow();
            store.SaveBan(new Ban("ssh", IPAddress.Parse(Persisted), now, now.AddHours(1), 1, 1, new Dictionary<string, string>()));
        }
        Assert.False(File.Exists(db + "-wal"), "the store checkpoints and removes its WAL when closed");
    }

    private static byte[] Hash(string path) => SHA256.HashData(File.ReadAllBytes(path));

    private void WriteConfig()
    {
        _config.WriteRecordAction();
        _config.WriteSshJail("record");
        _config.TouchAuthLog();
    }

    public void Dispose() => _config.Dispose();
}
