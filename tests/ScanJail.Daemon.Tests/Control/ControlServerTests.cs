using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Control;
using ScanJail.Daemon.Control;

namespace ScanJail.Daemon.Tests.Control;

[SupportedOSPlatform("linux")]
public sealed class ControlServerTests
{
    [Fact]
    public async Task Answers_several_requests_on_one_connection_in_order()
    {
        await using var fixture = await ControlServerFixture.StartAsync();
        using var connection = await RawConnection.OpenAsync(fixture.SocketPath);

        await connection.SendAsync("{\"command\":\"status\"}\n\n{\"command\":\"status\",\"jail\":\"ssh\"}\n{\"command\":\"status\",\"jail\":\"nope\"}\n");

        var engine = JsonSerializer.Deserialize<ControlResponse>((await connection.ReadLineAsync())!, ControlProtocol.Json)!;
        Assert.True(engine.Ok);
        Assert.Equal(["ssh", "attackalert"], engine.Result!.Value.Deserialize<EngineStatus>(ControlProtocol.Json)!.Jails);
        var jail = JsonSerializer.Deserialize<ControlResponse>((await connection.ReadLineAsync())!, ControlProtocol.Json)!;
        Assert.Equal(17, jail.Result!.Value.Deserialize<JailStatus>(ControlProtocol.Json)!.TotalFailed);
        var unknown = JsonSerializer.Deserialize<ControlResponse>((await connection.ReadLineAsync())!, ControlProtocol.Json)!;
        Assert.False(unknown.Ok);
        Assert.Equal("failed", unknown.Code);
        Assert.Contains("no such jail", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_are_camel_case_json_lines()
    {
        await using var fixture = await ControlServerFixture.StartAsync();
        using var connection = await RawConnection.OpenAsync(fixture.SocketPath);

        await connection.SendAsync("{\"command\":\"status\",\"jail\":\"ssh\"}\n");
        var line = await connection.ReadLineAsync();

        Assert.StartsWith("{\"ok\":true,\"result\":{\"jail\":\"ssh\",\"currentlyFailed\":2,", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"command\":5}")]
    [InlineData("{\"jail\":\"ssh\"}")]
    [InlineData("null")]
    [InlineData("{\"command\":\"selfdestruct\"}")]
    [InlineData("{\"command\":\"banned\",\"address\":\"010.0.0.1\"}")]
    public async Task A_malformed_request_gets_a_usage_error_and_the_connection_keeps_working(string request)
    {
        await using var fixture = await ControlServerFixture.StartAsync();
        using var connection = await RawConnection.OpenAsync(fixture.SocketPath);

        var bad = await connection.AskAsync(request);
        var good = await connection.AskAsync("{\"command\":\"stats\"}");

        Assert.False(bad.Ok);
        Assert.Equal("usage", bad.Code);
        Assert.True(good.Ok);
    }

    [Fact]
    public async Task A_request_over_the_size_limit_is_refused_and_the_connection_closed()
    {
        await using var fixture = await ControlServerFixture.StartAsync();
        using var connection = await RawConnection.OpenAsync(fixture.SocketPath);

        await connection.SendAsync(new byte[ControlProtocol.MaxRequestBytes + 1000].Select(_ => (byte)'x').ToArray());
        var answer = JsonSerializer.Deserialize<ControlResponse>((await connection.ReadLineAsync())!, ControlProtocol.Json)!;
        var afterwards = await connection.ReadLineAsync();

        Assert.Equal("usage", answer.Code);
        Assert.Contains("longer than", answer.Error, StringComparison.Ordinal);
        Assert.Null(afterwards);
        using var next = await RawConnection.OpenAsync(fixture.SocketPath);
        Assert.True((await next.AskAsync("{\"command\":\"status\"}")).Ok);
    }

    [Fact]
    public async Task A_request_of_exactly_the_size_limit_is_read()
    {
        await using var fixture = await ControlServerFixture.StartAsync();
        using var connection = await RawConnection.OpenAsync(fixture.SocketPath);
        var prefix = "{\"command\":\"status\",\"jail\":\"ssh\",\"padding\":\"";
        var request = prefix + new string('x', ControlProtocol.MaxRequestBytes - prefix.Length - 2) + "\"}";

        var answer = await connection.AskAsync(request);

        Assert.Equal(ControlProtocol.MaxRequestBytes, request.Length);
        Assert.True(answer.Ok);
    }

    [Fact]
    public async Task A_partial_request_then_close_leaves_the_server_answering()
    {
        await using var fixture = await ControlServerFixture.StartAsync();
        using (var connection = await RawConnection.OpenAsync(fixture.SocketPath))
        {
            await connection.SendAsync("{\"command\":\"ban\",\"jail\":\"ssh\",\"addr");
        }

        using var next = await RawConnection.OpenAsync(fixture.SocketPath);
        Assert.True((await next.AskAsync("{\"command\":\"status\"}")).Ok);
        Assert.Empty(fixture.Engine.Calls);
    }

    [Fact]
    public async Task A_silent_connection_is_closed_after_the_idle_timeout()
    {
        await using var fixture = await ControlServerFixture.StartAsync(new ControlServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        using var connection = await RawConnection.OpenAsync(fixture.SocketPath);

        await connection.SendAsync("{\"command\":");

        // ReadLineAsync gives up after 10 s; the server must close well before.
        Assert.Null(await connection.ReadLineAsync());
    }

    [Fact]
    public async Task A_hundred_concurrent_connections_are_each_answered_or_refused_and_the_server_keeps_answering()
    {
        await using var fixture = await ControlServerFixture.StartAsync();
        var connections = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => RawConnection.OpenAsync(fixture.SocketPath)));
        try
        {
            var answers = await Task.WhenAll(connections.Select(async connection =>
            {
                try
                {
                    await connection.SendAsync("{\"command\":\"status\"}\n");
                }
                catch (SocketException)
                {
                    // a refused connection may already be shut; its answer is still readable
                }
                return JsonSerializer.Deserialize<ControlResponse>((await connection.ReadLineAsync())!, ControlProtocol.Json)!;
            }));

            Assert.All(answers, answer => Assert.True(answer.Ok || answer.Error!.Contains("too many connections", StringComparison.Ordinal)));
            Assert.Contains(answers, answer => answer.Ok);
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }
        // Slots free up as the server sees the closes.
        var deadline = Stopwatch.StartNew();
        ControlResponse last;
        do
        {
            using var next = await RawConnection.OpenAsync(fixture.SocketPath);
            last = await next.AskAsync("{\"command\":\"status\"}");
        }
        while (!last.Ok && deadline.Elapsed < TimeSpan.FromSeconds(10));
        Assert.True(last.Ok);
    }

    [Fact]
    public async Task A_connection_over_the_cap_is_refused_with_an_answer_and_a_freed_slot_is_reused()
    {
        await using var fixture = await ControlServerFixture.StartAsync(new ControlServerOptions { MaxConnections = 2 });
        using var first = await RawConnection.OpenAsync(fixture.SocketPath);
        using var second = await RawConnection.OpenAsync(fixture.SocketPath);
        Assert.True((await first.AskAsync("{\"command\":\"status\"}")).Ok);
        Assert.True((await second.AskAsync("{\"command\":\"status\"}")).Ok);

        using (var third = await RawConnection.OpenAsync(fixture.SocketPath))
        {
            var refused = await third.AskAsync("{\"command\":\"status\"}");
            Assert.False(refused.Ok);
            Assert.Contains("too many connections", refused.Error, StringComparison.Ordinal);
        }

        first.Dispose();
        var deadline = Stopwatch.StartNew();
        ControlResponse last;
        do
        {
            using var next = await RawConnection.OpenAsync(fixture.SocketPath);
            last = await next.AskAsync("{\"command\":\"status\"}");
        }
        while (!last.Ok && deadline.Elapsed < TimeSpan.FromSeconds(10));
        Assert.True(last.Ok);
    }

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
