using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
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

    [Fact]
    public async Task A_jail_status_asked_as_text_is_the_formatters_text_in_one_json_string()
    {
        await using var fixture = await ControlServerFixture.StartAsync();
        using var connection = await RawConnection.OpenAsync(fixture.SocketPath);

        var text = await connection.AskAsync("{\"command\":\"status\",\"jail\":\"ssh\",\"text\":true}");
        var missing = await connection.AskAsync("{\"command\":\"status\",\"jail\":\"nope\",\"text\":true}");
        var jails = await connection.AskAsync("{\"command\":\"status\",\"text\":true}");

        Assert.True(text.Ok);
        Assert.Equal(StatusFormatter.JailStatus(fixture.Engine.Ssh), text.Result!.Value.GetString());
        Assert.False(missing.Ok);
        Assert.Equal("no such jail: nope", missing.Error);
        // Only a jail's status has a text form; the jail list stays its object.
        Assert.Equal(JsonValueKind.Object, jails.Result!.Value.ValueKind);
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
}
