using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ScanJail.Core.Control;

namespace ScanJail.Daemon.Tests.Control;

/// <summary>A bare client of the control socket, to send what the real client never would.</summary>
internal sealed class RawConnection : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly List<byte> _pending = [];

    public Socket Socket => _socket;

    public static async Task<RawConnection> OpenAsync(string path)
    {
        var connection = new RawConnection();
        await connection._socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return connection;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <returns>The next response line, or null when the server closed the connection.</returns>
    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var buffer = new byte[4096];
        while (true)
        {
            var newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_pending.GetRange(0, newline).ToArray());
                _pending.RemoveRange(0, newline + 1);
                return line;
            }
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                return null;
            }
            _pending.AddRange(buffer.AsSpan(0, read));
        }
    }

    public async Task<ControlResponse> AskAsync(string requestLine)
    {
        await SendAsync(requestLine + "\n");
        var line = await ReadLineAsync() ?? throw new InvalidOperationException("the server closed the connection");
        return JsonSerializer.Deserialize<ControlResponse>(line, ControlProtocol.Json)!;
    }

    public void Dispose() => _socket.Dispose();
}
