using System.Threading.Channels;
using ScanJail.Core.Syslog;

namespace ScanJail.Listener.Output;

/// <summary>
/// Hands lines to the <see cref="SyslogWriter"/> on its own loop, so a slow syslog never stalls
/// the detector. A datagram target (the engine's receiver or /dev/log on this host) gets a line at once
/// from the detector's thread when nothing waits before it and the send cannot block: an alert then
/// reaches the engine without a hop through another thread. With <c>echo</c> every line takes the loop
/// and is also printed on standard output.
/// </summary>
public sealed class SyslogSink : ILineSink, IAsyncDisposable
{
    private readonly Channel<(SyslogSeverity Severity, string Message)> _lines = NewQueue();
    private readonly SyslogWriter _writer;
    private readonly bool _echo;
    private readonly Task _loop;
    // Held while the writer sends: the detector's direct send and the loop never use it at once.
    private readonly Lock _gate = new();
    // Lines in the loop's queue: while any wait, a new line joins them, so lines keep their order.
    private int _queued;

    public SyslogSink(SyslogWriter writer, bool echo)
    {
        _writer = writer;
        _echo = echo;
        _loop = Task.Run(WriteLoop);
    }

    public long Lost => _writer.Lost;

    /// <summary>
    /// Takes a scratch queue of the loop's own type through a write and a read (<see cref="Detection.DetectionWarmUp"/>):
    /// the lines of a scan's burst that find the detector's direct send busy take the queue, whose generic code is
    /// otherwise compiled during the first scan.
    /// </summary>
    internal static bool WarmUpQueue()
    {
        var lines = NewQueue();
        return lines.Writer.TryWrite((SyslogSeverity.Warning, "")) && lines.Reader.TryRead(out _);
    }

    private static Channel<(SyslogSeverity Severity, string Message)> NewQueue() =>
        Channel.CreateUnbounded<(SyslogSeverity, string)>(new UnboundedChannelOptions { SingleReader = true });

    public string LastError => _writer.LastError;

    public void Write(SyslogSeverity severity, string message)
    {
        if (!_echo && Volatile.Read(ref _queued) == 0 && _gate.TryEnter())
        {
            try
            {
                if (Volatile.Read(ref _queued) == 0 && _writer.TryWriteNow(severity, message))
                {
                    return;
                }
            }
            finally
            {
                _gate.Exit();
            }
        }
        Interlocked.Increment(ref _queued);
        if (!_lines.Writer.TryWrite((severity, message)))
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    private async Task WriteLoop()
    {
        await foreach (var (severity, message) in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            lock (_gate)
            {
                _writer.Write(severity, message);
            }
            Interlocked.Decrement(ref _queued);
            if (_echo)
            {
                await Console.Out.WriteLineAsync(message).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        if (_echo)
        {
            await Console.Out.FlushAsync().ConfigureAwait(false);
        }
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}
