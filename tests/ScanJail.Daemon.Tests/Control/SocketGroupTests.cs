using System.Diagnostics;
using System.Runtime.Versioning;
using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Control;

/// <summary>
/// The real engine with <c>--socket-group</c>: the socket on disk is mode 0660 and owned by that group;
/// a non-root member (nobody, in group nogroup) reads status but may not ban, unban or reload; a
/// non-root peer outside the group cannot connect at all.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SocketGroupTests : IDisposable
{
    // nobody's own group on Debian: an existing group, so the test creates no accounts.
    private const string Group = "nogroup";
    private const int GroupId = 65534;
    private readonly TestConfig _config = new TestConfig().WithAcceptanceJail(bantime: "1h");

    [Fact]
    public async Task The_socket_is_0660_in_its_group_whose_members_read_but_do_not_change_anything()
    {
        _config.TouchAuthLog();
        // nobody must reach the socket inside the test directory (CreateTempSubdirectory makes it 0700).
        File.SetUnixFileMode(_config.Dir, (UnixFileMode)0b_111_101_101);
        await using var engine = await EngineProcess.StartAsync(_config.Dir, "--socket-group", Group);
        await engine.ClientAsync("ban", "ssh", "192.0.2.70");

        var stat = await RunAsync("stat", "-c", "%a %g", engine.Socket);
        Assert.Equal($"660 {GroupId}", stat.Output.Trim());

        var status = await AsNobodyAsync(engine, GroupId, "status");
        var jail = await AsNobodyAsync(engine, GroupId, "status", "ssh");
        var ban = await AsNobodyAsync(engine, GroupId, "ban", "ssh", "192.0.2.71");
        var unban = await AsNobodyAsync(engine, GroupId, "unban", "192.0.2.70");
        var unbanAll = await AsNobodyAsync(engine, GroupId, "unban", "--all");
        var reload = await AsNobodyAsync(engine, GroupId, "reload");

        Assert.True(status.Code == 0, status.ToString());
        Assert.Contains("ssh", status.Output, StringComparison.Ordinal);
        Assert.True(jail.Code == 0 && jail.Output.Contains("192.0.2.70", StringComparison.Ordinal), jail.ToString());
        foreach (var refused in new[] { ban, unban, unbanAll, reload })
        {
            Assert.True(refused.Code == 1, refused.ToString());
            Assert.Contains("only root", refused.Output, StringComparison.Ordinal);
        }
        var (_, banned, _) = await engine.ClientAsync("banned");
        Assert.Contains("192.0.2.70", banned, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.71", banned, StringComparison.Ordinal);
        Assert.Equal(["ban ssh 192.0.2.70"], _config.ActionLines());
    }

    [Fact]
    public async Task A_non_root_peer_outside_the_group_cannot_connect()
    {
        _config.TouchAuthLog();
        File.SetUnixFileMode(_config.Dir, (UnixFileMode)0b_111_101_101);
        await using var engine = await EngineProcess.StartAsync(_config.Dir, "--socket-group", Group);

        // gid 1 (daemon) is not the socket's group.
        var status = await AsNobodyAsync(engine, 1, "status");

        Assert.True(status.Code == 1, status.ToString());
        Assert.Contains("permission denied", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_socket_group_stops_the_engine_with_69()
    {
        _config.TouchAuthLog();
        var (code, stdout, stderr) = await EngineProcess.RunToEndAsync("run", "-c", _config.Dir, "--socket", Path.Combine(_config.Dir, "sj.sock"),
            "--db", Path.Combine(_config.Dir, "sj.db"), "--socket-group", "no-such-group-" + Guid.NewGuid().ToString("N")[..8]);

        Assert.Equal(69, code);
        Assert.Contains("No such group", stdout + stderr, StringComparison.Ordinal);
    }

    private static Task<(int Code, string Output)> AsNobodyAsync(EngineProcess engine, int gid, params string[] args) =>
        RunAsync(["setpriv", "--reuid=65534", $"--regid={gid}", "--clear-groups", "dotnet", Path.Combine(EngineProcess.BinDir, "scanjail-client.dll"), "--socket", engine.Socket, .. args]);

    private static async Task<(int Code, string Output)> RunAsync(params string[] argv)
    {
        var start = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in argv[1..])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["HOME"] = "/tmp";
        start.Environment["DOTNET_CLI_HOME"] = "/tmp";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    public void Dispose() => _config.Dispose();
}
