using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Daemon.Control;

namespace ScanJail.Daemon.Tests.Control;

/// <summary>Binding, permissions, stale sockets and a second engine: what happens around the protocol.</summary>
[SupportedOSPlatform("linux")]
public sealed class ControlServerLifecycleTests
{
    [Fact]
    public async Task The_socket_is_mode_0660_by_default_and_removed_on_dispose()
    {
        var fixture = await ControlServerFixture.StartAsync();
        var path = fixture.SocketPath;
        try
        {
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
                File.GetUnixFileMode(path));
        }
        finally
        {
            await fixture.DisposeAsync();
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task The_socket_can_be_given_to_a_group()
    {
        await using var fixture = await ControlServerFixture.StartAsync(new ControlServerOptions { Group = "nogroup" });

        var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%g", fixture.SocketPath]) { RedirectStandardOutput = true })!;
        var gid = (await stat.StandardOutput.ReadToEndAsync()).Trim();
        await stat.WaitForExitAsync();

        Assert.Equal("65534", gid);
    }

    [Fact]
    public async Task An_unknown_group_stops_the_start()
    {
        var directory = Directory.CreateTempSubdirectory("sj-control-");
        try
        {
            await using var server = new ControlServer(
                Path.Combine(directory.FullName, "sj.sock"),
                new StandInEngine(),
                NullLogger.Instance,
                new ControlServerOptions { Group = "no-such-group-here" });

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(CancellationToken.None));
            Assert.Contains("no-such-group-here", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_parent_directory_is_created_and_a_stale_socket_replaced()
    {
        var directory = Directory.CreateTempSubdirectory("sj-control-");
        var path = Path.Combine(directory.FullName, "run", "sj.sock");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await LeaveStaleSocketAsync(path);
            Assert.True(File.Exists(path));

            await using var server = new ControlServer(path, new StandInEngine(), NullLogger.Instance);
            await server.StartAsync(CancellationToken.None);

            using var connection = await RawConnection.OpenAsync(path);
            Assert.True((await connection.AskAsync("{\"command\":\"status\"}")).Ok);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_second_engine_on_the_same_socket_refuses_to_start_and_the_first_keeps_answering()
    {
        await using var fixture = await ControlServerFixture.StartAsync();
        await using var second = new ControlServer(fixture.SocketPath, new StandInEngine(), NullLogger.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync(CancellationToken.None));

        Assert.Contains("already listening", error.Message, StringComparison.Ordinal);
        using var connection = await RawConnection.OpenAsync(fixture.SocketPath);
        Assert.True((await connection.AskAsync("{\"command\":\"status\"}")).Ok);
    }

    [Fact]
    public async Task Peer_credentials_name_this_process()
    {
        await using var fixture = await ControlServerFixture.StartAsync();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var path = Path.Combine(fixture.Directory.FullName, "peer.sock");
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
        using var accepted = await listener.AcceptAsync();

        var peer = PeerCredentials.Read(accepted);

        Assert.NotNull(peer);
        Assert.Equal(Environment.ProcessId, peer.Value.ProcessId);
        Assert.Equal(0u, peer.Value.UserId);
        Assert.True(peer.Value.IsRoot);
    }

    // A socket file whose listener is gone, as a crashed engine leaves it (python3 never unlinks on exit).
    private static async Task LeaveStaleSocketAsync(string path)
    {
        var python = Process.Start(new ProcessStartInfo("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", path]))!;
        await python.WaitForExitAsync();
        Assert.Equal(0, python.ExitCode);
    }
}
