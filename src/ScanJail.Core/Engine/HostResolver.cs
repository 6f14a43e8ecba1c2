using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ScanJail.Core.Engine;

/// <summary>
/// <c>usedns: yes</c>: resolves the host names filters capture, off the line routers' path. A router
/// hands a failure whose host is a name to <see cref="TryEnqueue"/> (a bounded queue: when it is full
/// the failure is dropped and counted, a router never waits for DNS); one task looks each name up with
/// a timeout and sends one failure per address to the engine loop. Such a failure carries no file
/// position, so a crash between the position save and the lookup can lose it (never count it twice).
/// </summary>
internal sealed class HostResolver : IAsyncDisposable
{
    public const int QueueLength = 1024;
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<HostLookup> _queue = Channel.CreateBounded<HostLookup>(
        new BoundedChannelOptions(QueueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();
    private readonly ChannelWriter<EngineMessage> _inbox;
    private readonly EngineCounters _counters;
    private readonly ILogger _logger;
    private readonly Task _task;

    public HostResolver(ChannelWriter<EngineMessage> inbox, EngineCounters counters, ILogger logger)
    {
        _inbox = inbox;
        _counters = counters;
        _logger = logger;
        _task = Task.Run(RunAsync);
    }

    /// <summary>Queues a lookup; false when the queue is full.</summary>
    public bool TryEnqueue(HostLookup lookup) => _queue.Writer.TryWrite(lookup);

    private async Task RunAsync()
    {
        await foreach (var (pending, host) in _queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            IPAddress[] addresses;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(LookupTimeout);
                addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException)
            {
                _counters.FailuresDnsUnresolved.Increment();
                if (_stop.IsCancellationRequested)
                {
                    continue;
                }
                _logger.LogWarning("Jail {Jail}: host name {Host} did not resolve ({Reason}); failure dropped", pending.Jail, host, e.Message);
                continue;
            }
            if (addresses.Length == 0)
            {
                _counters.FailuresDnsUnresolved.Increment();
                continue;
            }
            _counters.FailuresDnsResolved.Increment();
            foreach (var address in addresses.Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Distinct())
            {
                await _inbox.WriteAsync(new FailureFound(pending with { Address = address }, null), CancellationToken.None);
            }
        }
    }

    /// <summary>Lets queued lookups finish for up to <see cref="LookupTimeout"/>, then cancels the rest.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_task, Task.Delay(LookupTimeout)) != _task)
        {
            // Cancelled lookups fail at once: what is still queued is dropped and counted unresolved.
            await _stop.CancelAsync();
        }
        await _task;
        _stop.Dispose();
    }
}
