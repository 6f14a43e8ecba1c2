using System.Net.Sockets;
using System.Runtime.Versioning;
using ScanJail.Client;

namespace ScanJail.Daemon.Tests.Client;

/// <summary>The client's socket calls (<see cref="UnixStream"/>) against real unix sockets and files.</summary>
[SupportedOSPlatform("linux")]
public sealed class UnixStreamTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-unix-stream-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void A_missing_socket_is_an_engine_not_running()
    {
        var e = Assert.Throws<EngineUnavailableException>(() => UnixStream.Connect(PathOf("none.sock"), TimeSpan.FromSeconds(5)));

        Assert.Equal($"the engine is not running ({PathOf("none.sock")}: no such socket)", e.Message);
    }

    [Fact]
    public void A_socket_nobody_listens_on_is_refused_with_the_systems_words()
    {
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(PathOf("deaf.sock")));

        var e = Assert.Throws<EngineUnavailableException>(() => UnixStream.Connect(PathOf("deaf.sock"), TimeSpan.FromSeconds(5)));

        Assert.Equal($"the engine is not running ({PathOf("deaf.sock")}: Connection refused)", e.Message);
    }

    [Fact]
    public void A_path_longer_than_a_socket_address_holds_is_refused_before_any_call()
    {
        var path = "/tmp/" + new string('s', 120);

        var e = Assert.Throws<EngineUnavailableException>(() => UnixStream.Connect(path, TimeSpan.FromSeconds(5)));

        Assert.Contains("longer than 107 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_go_both_ways_and_a_close_reads_as_zero()
    {
        using var listener = Listen("echo.sock");
        var serve = Task.Run(async () =>
        {
            using var connection = await listener.AcceptAsync();
            var buffer = new byte[16];
            var read = await connection.ReceiveAsync(buffer, SocketFlags.None);
            await connection.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
        });
        using var stream = UnixStream.Connect(PathOf("echo.sock"), TimeSpan.FromSeconds(30));

        stream.Write("ping\n"u8);
        var answer = new byte[16];
        var got = 0;
        while (got < 5)
        {
            got += stream.Read(answer.AsSpan(got));
        }
        await serve.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("ping\n"u8.ToArray(), answer[..5]);
        Assert.Equal(0, stream.Read(answer));
    }

    [Fact]
    public async Task A_read_waits_no_longer_than_the_timeout()
    {
        using var listener = Listen("mute.sock");
        var accepted = listener.AcceptAsync();
        using var stream = UnixStream.Connect(PathOf("mute.sock"), TimeSpan.FromMilliseconds(300));
        using var connection = await accepted.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Throws<TimeoutException>(() => stream.Read(new byte[16]));
    }

    private Socket Listen(string name)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(PathOf(name)));
        listener.Listen();
        return listener;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
