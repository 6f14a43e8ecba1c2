using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Control;

namespace ScanJail.Daemon.Control;

/// <summary>
/// The engine's control socket: a unix stream socket speaking newline-delimited JSON
/// (<see cref="ControlProtocol"/>). Each connection is served on its own task; a misbehaving
/// client (garbage, oversized lines, silence, floods) costs at most one connection slot for
/// <see cref="ControlServerOptions.IdleTimeout"/> and never stops the server.
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    private readonly string _socketPath;
    private readonly ILogger _logger;
    private readonly ControlServerOptions _options;
    private readonly ControlDispatcher _dispatcher;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<ControlConnection, Task> _connections = [];
    private Socket? _listener;
    private Task? _acceptLoop;
    private int _disposed;
    private int _active;

    public ControlServer(string socketPath, IEngineControl engine, ILogger logger, ControlServerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(logger);
        _socketPath = Path.GetFullPath(socketPath);
        _logger = logger;
        _options = options ?? new ControlServerOptions();
        _dispatcher = new ControlDispatcher(engine, logger);
    }

    public string SocketPath => _socketPath;

    /// <summary>Binds the socket and starts accepting. Throws <see cref="InvalidOperationException"/> when another engine answers on the path.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The control socket needs a Unix system.");
        }
        if (_listener is not null)
        {
            throw new InvalidOperationException("The control server is already started.");
        }
        var directory = Path.GetDirectoryName(_socketPath)!;
        Directory.CreateDirectory(directory);
        await RemoveStaleSocketAsync(cancellationToken);

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(_socketPath));
            File.SetUnixFileMode(_socketPath, _options.SocketMode);
            SetGroup();
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        _acceptLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation("Control socket listening on {Path}", _socketPath);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync();
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }
        Task[] remaining;
        lock (_gate)
        {
            remaining = [.. _connections.Values];
        }
        await Task.WhenAll(remaining);
        if (_listener is not null)
        {
            TryDelete(_socketPath);
        }
        _stopping.Dispose();
    }

    // A socket file left by a crashed engine is removed; one that still answers belongs to a running engine.
    private async Task RemoveStaleSocketAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(_socketPath))
        {
            throw new InvalidOperationException($"{_socketPath} is a directory, not a socket.");
        }
        if (!File.Exists(_socketPath))
        {
            return;
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), cancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            _logger.LogWarning("Removing stale control socket {Path}", _socketPath);
            File.Delete(_socketPath);
            return;
        }
        throw new InvalidOperationException($"Another engine is already listening on {_socketPath}.");
    }

    private void SetGroup()
    {
        if (string.IsNullOrEmpty(_options.Group))
        {
            return;
        }
        var gid = NativeMethods.LookUpGroup(_options.Group)
            ?? throw new InvalidOperationException($"No such group for the control socket: {_options.Group}.");
        if (NativeMethods.ChangeOwner(_socketPath, uint.MaxValue, gid) != 0)
        {
            throw new InvalidOperationException(
                $"Cannot give {_socketPath} to group {_options.Group}: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}.");
        }
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // EMFILE and friends: back off a little instead of spinning, then keep serving.
                _logger.LogWarning("Control socket accept failed: {Error}", e.SocketErrorCode);
                await DelayQuietlyAsync(TimeSpan.FromMilliseconds(100), token);
                continue;
            }
            Track(client);
        }
    }

    private void Track(Socket client)
    {
        var served = Interlocked.Increment(ref _active) <= _options.MaxConnections;
        if (!served)
        {
            Interlocked.Decrement(ref _active);
        }
        var connection = new ControlConnection(client, _dispatcher, _options, _logger);
        // The task waits for this gate so that it is in the table before it can leave it.
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = RunAsync(connection, served, registered.Task);
        lock (_gate)
        {
            _connections[connection] = task;
        }
        registered.SetResult();
    }

    private async Task RunAsync(ControlConnection connection, bool served, Task registered)
    {
        await registered;
        try
        {
            if (served)
            {
                await connection.ServeAsync(_stopping.Token);
            }
            else
            {
                await connection.RefuseAsync("too many connections to the control socket; try again", _stopping.Token);
            }
        }
        finally
        {
            if (served)
            {
                Interlocked.Decrement(ref _active);
            }
            lock (_gate)
            {
                _connections.Remove(connection);
            }
        }
    }

    private static async Task DelayQuietlyAsync(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            _logger.LogWarning("Could not remove control socket {Path}: {Error}", path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            _logger.LogWarning("Could not remove control socket {Path}: {Error}", path, e.Message);
        }
    }
}
