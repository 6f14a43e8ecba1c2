using ScanJail.Core.Syslog;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Unicode;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Configuration;
using ScanJail.Core.Scheduling;

namespace ScanJail.Core.Sources.Syslog;

/// <summary>
/// A syslog receiver on one address (UDP, TCP or a unix datagram socket), shared by every jail that
/// names it. Each message's envelope is read (<see cref="SyslogParser"/>); the filter sees
/// <see cref="SyslogMessage.FilterText"/> and the line carries its origin (the sender's host name
/// and address). Senders outside the allow list are refused and counted.
/// </summary>
public sealed class SyslogSource(SyslogSourceConfig config, TimeProvider time, ILogger logger) : ILogSource
{
    /// <summary>TCP connections served at once; more are refused and counted.</summary>
    public const int MaxConnections = 256;

    private const int MaxOriginLength = 255;
    private static readonly UTF8Encoding Decoder = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SenderAllowList _allow = new(config.Allow);
    private int _connections;

    public string Name => config.Address.ToString();

    public SourceCounters Counters { get; } = new();

    public Task Started => _started.Task;

    /// <summary>True for UDP and unix datagram sockets: one thread blocks in receive and writes every line.</summary>
    public bool ReceivesOnItsOwnThread => config.Address.Transport != SyslogTransport.Tcp;

    public async Task RunAsync(ChannelWriter<LogLine> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            switch (config.Address.Transport)
            {
                case SyslogTransport.Tcp:
                    await RunTcpAsync(output, cancellationToken);
                    break;
                default:
                    await RunDatagramAsync(output, cancellationToken);
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal way out.
        }
        finally
        {
            _started.TrySetResult();
        }
    }

    private async Task RunDatagramAsync(ChannelWriter<LogLine> output, CancellationToken cancellationToken)
    {
        var address = config.Address;
        using var socket = address.Transport == SyslogTransport.Unix
            ? new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified)
            : new Socket(address.Host!.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        EndPoint any;
        if (address.Transport == SyslogTransport.Unix)
        {
            RemoveStaleSocket(address.Path!);
            socket.Bind(new UnixDomainSocketEndPoint(address.Path!));
            any = new UnixDomainSocketEndPoint(address.Path!);
        }
        else
        {
            if (address.Host!.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            socket.Bind(new IPEndPoint(address.Host, address.Port));
            any = new IPEndPoint(address.Host.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        }
        logger.LogInformation("Receiving syslog on {Address}", Name);
        _started.TrySetResult();
        try
        {
            // A thread of its own blocks in receive: a datagram wakes it directly, with no hop through the
            // socket engine and the thread pool on the way to the jails (the listener's alerts come this way).
            await Task.Factory.StartNew(() => ReceiveDatagrams(socket, any, output, cancellationToken),
                cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            if (address.Transport == SyslogTransport.Unix)
            {
                File.Delete(address.Path!);
            }
        }
    }

    private void ReceiveDatagrams(Socket socket, EndPoint any, ChannelWriter<LogLine> output, CancellationToken cancellationToken)
    {
        var unix = config.Address.Transport == SyslogTransport.Unix;
        // A listener's alert wakes this thread while the scan's burst keeps the cores busy: a short slice lets it run at once.
        ThreadSlice.TryShorten(ThreadSlice.Shortest);
        var buffer = new byte[65_536];
        // Closing the socket is what ends a blocking receive.
        using var closing = cancellationToken.Register(socket.Dispose);
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            var from = any;
            try
            {
                length = unix ? socket.Receive(buffer, SocketFlags.None) : socket.ReceiveFrom(buffer, SocketFlags.None, ref from);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            var peer = unix ? null : (from as IPEndPoint)?.Address;
            if (peer is not null && !_allow.Allows(peer))
            {
                Counters.Refused.Increment();
                continue;
            }
            if (Read(buffer.AsSpan(0, length), peer) is { } line && !output.TryWrite(line))
            {
                // The jails are behind: wait here, as the asynchronous receivers do (the kernel buffers meanwhile).
                output.WriteAsync(line, cancellationToken).AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private async Task RunTcpAsync(ChannelWriter<LogLine> output, CancellationToken cancellationToken)
    {
        var address = config.Address;
        using var listener = new TcpListener(address.Host!, address.Port);
        if (address.Host!.Equals(IPAddress.IPv6Any))
        {
            listener.Server.DualMode = true;
        }
        listener.Start(64);
        logger.LogInformation("Receiving syslog on {Address}", Name);
        _started.TrySetResult();
        var connections = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                var peer = (client.Client.RemoteEndPoint as IPEndPoint)?.Address;
                if (peer is null || !_allow.Allows(peer) || Interlocked.Increment(ref _connections) > MaxConnections)
                {
                    if (peer is not null && _allow.Allows(peer))
                    {
                        Interlocked.Decrement(ref _connections);
                    }
                    Counters.Refused.Increment();
                    client.Dispose();
                    continue;
                }
                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(ServeAsync(client, peer, output, cancellationToken));
            }
        }
        finally
        {
            listener.Stop();
            await Task.WhenAll(connections);
        }
    }

    private async Task ServeAsync(TcpClient client, IPAddress peer, ChannelWriter<LogLine> output, CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var connection = client;
        try
        {
            var frames = new SyslogFrameReader(client.GetStream(), config.MaxLineLength);
            var skipped = 0L;
            while (await frames.ReadAsync(cancellationToken) is { } frame)
            {
                if (frames.TooLong > skipped)
                {
                    Counters.TooLong.Add(frames.TooLong - skipped);
                    skipped = frames.TooLong;
                }
                await EmitAsync(frame, peer, output, cancellationToken);
            }
            Counters.TooLong.Add(frames.TooLong - skipped);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            logger.LogDebug("Syslog connection from {Peer} ended: {Reason}", peer, e.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }

    private async ValueTask EmitAsync(ReadOnlyMemory<byte> bytes, IPAddress? peer, ChannelWriter<LogLine> output, CancellationToken cancellationToken)
    {
        if (Read(bytes.Span, peer) is { } line)
        {
            await output.WriteAsync(line, cancellationToken);
        }
    }

    /// <summary>One message as the jails see it, counted; null when it is too long.</summary>
    private LogLine? Read(ReadOnlySpan<byte> bytes, IPAddress? peer)
    {
        if (bytes.Length > config.MaxLineLength)
        {
            Counters.TooLong.Increment();
            return null;
        }
        Counters.Bytes.Add(bytes.Length);
        if (!Utf8.IsValid(bytes))
        {
            Counters.InvalidUtf8.Increment();
        }
        var message = SyslogParser.Read(Decoder.GetString(bytes));
        Counters.Lines.Increment();
        return new LogLine(message.FilterText(), Name, time.GetUtcNow(), Origin: OriginOf(message.Host, peer));
    }

    /// <summary>"web1 (192.0.2.1)": the host name the message carries and the address it came from; either alone when that is all there is.</summary>
    internal static string OriginOf(string? host, IPAddress? peer)
    {
        if (host is { Length: > MaxOriginLength })
        {
            host = host[..MaxOriginLength];
        }
        return (host, peer) switch
        {
            (null, null) => "local",
            (null, { } address) => address.ToString(),
            ({ } name, null) => name,
            ({ } name, { } address) => $"{name} ({address})",
        };
    }

    // A socket file left by a crash would make bind fail. .NET cannot tell a socket from a file, so
    // only an empty entry that refuses a connection is removed: a live socket or a log file someone
    // named here by mistake stays, and bind then reports the path in use.
    private static void RemoveStaleSocket(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length != 0)
        {
            return;
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            File.Delete(path);
        }
    }
}
