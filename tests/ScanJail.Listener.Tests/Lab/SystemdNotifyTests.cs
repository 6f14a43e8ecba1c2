using System.Net.Sockets;
using System.Text;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>The listener's unit is Type=notify: it says READY=1 once its modes watch, and STOPPING=1 on SIGTERM.</summary>
[Collection(LabGroup.Name)]
public sealed class SystemdNotifyTests(LabNetwork lab) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sjl-notify-");

    [Fact]
    public async Task The_listener_tells_systemd_it_is_ready_and_stopping()
    {
        // A path-bound unix socket is reachable from the victim's network namespace (it lives in the file system).
        var path = Path.Combine(_dir.FullName, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(path));

        await using var listener = await ListenerProcess.StartAsync(lab, """
            tcp: { mode: atcp, ports: "1-100" }
            """, environment: new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path });
        Assert.Equal("READY=1\nSTATUS=Watching", await ReceiveAsync(notify));

        var stopping = ReceiveAsync(notify);
        Assert.Equal(0, await listener.StopAsync());
        Assert.Equal("STOPPING=1", await stopping);
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    public void Dispose() => _dir.Delete(true);
}
