using System.Net.Sockets;
using System.Text;
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
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var line = JsonSerializer.Serialize(request, ControlProtocol.Json) + "\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line), timeout.Token);
            using var reader = new StreamReader(stream, new UTF8Encoding(false));
            var answer = await reader.ReadLineAsync(timeout.Token)
                ?? throw new EngineUnavailableException($"the engine closed {socketPath} without an answer");
            return JsonSerializer.Deserialize<ControlResponse>(answer, ControlProtocol.Json)
                ?? throw new EngineUnavailableException($"the engine sent an empty answer on {socketPath}");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EngineUnavailableException($"the engine did not answer on {socketPath} within {AnswerTimeout.TotalSeconds:0} s", e);
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
}
