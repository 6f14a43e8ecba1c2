using System.Buffers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Control;

namespace ScanJail.Daemon.Control;

/// <summary>
/// One client of the control socket: reads request lines, answers each with one response line.
/// Bounded in every direction: a line longer than <see cref="ControlProtocol.MaxRequestBytes"/> is
/// refused without reading further, and a client that stays silent (or stops mid-line, or does not
/// read its answers) for <see cref="ControlServerOptions.IdleTimeout"/> is dropped.
/// </summary>
internal sealed class ControlConnection(Socket socket, ControlDispatcher dispatcher, ControlServerOptions options, ILogger logger)
{
    private const int LingerLimit = 1024 * 1024;
    private static readonly TimeSpan RefusalLinger = TimeSpan.FromSeconds(2);

    public async Task ServeAsync(CancellationToken stopping)
    {
        using (socket)
        {
            try
            {
                await ServeLinesAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                // idle timeout or engine stopping: just close
            }
            catch (SocketException e)
            {
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    logger.LogDebug("Control client went away: {Error}", e.SocketErrorCode);
                }
            }
            catch (ObjectDisposedException)
            {
                // closed under us while stopping
            }
#pragma warning disable CA1031 // Whatever one client causes, the server keeps serving the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogWarning(e, "Control connection failed");
            }
        }
    }

    /// <summary>Answers once with an error and closes, for a connection over the limit.</summary>
    public async Task RefuseAsync(string reason, CancellationToken stopping)
    {
        using (socket)
        {
            try
            {
                await SendAsync(new ControlResponse(false, Error: reason, Code: "failed"), stopping);
                // Refusals are cheap on purpose: a short linger, a small scratch buffer.
                await LingerAsync(new byte[4096], RefusalLinger, stopping);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // the client left first
            }
        }
    }

    private async Task ServeLinesAsync(CancellationToken stopping)
    {
        var peer = PeerCredentials.Read(socket);
        // Room for the longest allowed line plus its newline: if it fills without one, the line is too long.
        var buffer = new byte[ControlProtocol.MaxRequestBytes + 1];
        var filled = 0;
        var scanned = 0;
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', scanned, filled - scanned);
            if (newline >= 0)
            {
                var line = buffer.AsMemory(0, newline);
                if (!IsBlank(line.Span))
                {
                    var response = await dispatcher.HandleAsync(line, peer, stopping);
                    await SendAsync(response, stopping);
                }
                var rest = filled - newline - 1;
                Buffer.BlockCopy(buffer, newline + 1, buffer, 0, rest);
                filled = rest;
                scanned = 0;
                continue;
            }
            scanned = filled;
            if (filled == buffer.Length)
            {
                await SendAsync(new ControlResponse(false, Error: $"request longer than {ControlProtocol.MaxRequestBytes} bytes", Code: "usage"), stopping);
                await LingerAsync(buffer, options.IdleTimeout, stopping);
                return;
            }
            using var timeout = Timeout(stopping);
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                return; // closed; a partial last line is dropped
            }
            filled += read;
        }
    }

    // Closing with unread input makes the kernel reset the connection, and the client would lose the
    // answer: say we are done, then swallow what the client is still sending (bounded), then close.
    private async Task LingerAsync(byte[] scratch, TimeSpan patience, CancellationToken stopping)
    {
        socket.Shutdown(SocketShutdown.Send);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(patience);
        for (var swallowed = 0; swallowed < LingerLimit;)
        {
            var read = await socket.ReceiveAsync(scratch, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                return;
            }
            swallowed += read;
        }
    }

    private async Task SendAsync(ControlResponse response, CancellationToken stopping)
    {
        // In pooled pieces, sent one by one: a jail's status with 100,000 bans is over a megabyte.
        using var line = new PooledSegments();
        ControlProtocol.WriteLine(response, line);
        using var timeout = Timeout(stopping);
        foreach (var piece in line.Pieces)
        {
            await SendAllAsync(piece, timeout.Token);
        }
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes[sent..];
        }
    }

    private CancellationTokenSource Timeout(CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        source.CancelAfter(options.IdleTimeout);
        return source;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t\r"u8).IsEmpty;
}
