using System.Buffers;
using System.Net.Sockets;
using System.Text.Json;
using ScanJail.Core.Control;

namespace ScanJail.Client;

/// <summary>One request, one response over the engine's control socket.</summary>
public static class ControlClient
{
    /// <summary>Long enough for a reload of a large configuration; a hung engine still ends the wait.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);

    /// <exception cref="EngineUnavailableException">Nothing answers on the socket.</exception>
    /// <exception cref="UnauthorizedAccessException">The socket exists but this user may not connect to it.</exception>
    public static async Task<ControlResponse> SendAsync(string socketPath, ControlRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            throw new UnauthorizedAccessException($"permission denied on {socketPath} (root or the socket's group may connect)", e);
        }
        catch (SocketException e)
        {
            var why = File.Exists(socketPath) ? e.Message : "no such socket";
            throw new EngineUnavailableException($"the engine is not running ({socketPath}: {why})", e);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AnswerTimeout);
        try
        {
            var line = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(line))
            {
                JsonSerializer.Serialize(writer, request, ControlProtocol.Json);
            }
            line.Write("\n"u8);
            for (var sent = 0; sent < line.WrittenCount;)
            {
                sent += await socket.SendAsync(line.WrittenMemory[sent..], SocketFlags.None, timeout.Token);
            }
            var answer = await ReadLineAsync(socket, timeout.Token)
                ?? throw new EngineUnavailableException($"the engine closed {socketPath} without an answer");
            // From the bytes as they came, with no text decoded first (a jail's status with 100,000 bans is a megabyte).
            return JsonSerializer.Deserialize<ControlResponse>(answer.Span, ControlProtocol.Json)
                ?? throw new EngineUnavailableException($"the engine sent an empty answer on {socketPath}");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EngineUnavailableException($"the engine did not answer on {socketPath} within {AnswerTimeout.TotalSeconds:0} s", e);
        }
        catch (SocketException e)
        {
            throw new EngineUnavailableException($"the connection to {socketPath} broke: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new EngineUnavailableException($"the connection to {socketPath} broke: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new EngineUnavailableException($"the answer on {socketPath} is not the control protocol: {e.Message}", e);
        }
    }

    /// <summary>The bytes up to the first newline, or null when the engine closed first.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        var scanned = 0;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', scanned, filled - scanned);
            if (newline >= 0)
            {
                return buffer.AsMemory(0, newline);
            }
            scanned = filled;
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 4);
            }
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return null;
            }
            filled += read;
        }
    }
}
