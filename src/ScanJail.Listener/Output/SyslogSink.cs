using System.Threading.Channels;
using ScanJail.Core.Syslog;

namespace ScanJail.Listener.Output;

/// <summary>
/// Hands lines to the <see cref="SyslogWriter"/> on its own loop, so a slow syslog never stalls
/// the detector. With <c>echo</c> each line is also printed on standard output.
/// </summary>
public sealed class SyslogSink : ILineSink, IAsyncDisposable
{
    private readonly Channel<(SyslogSeverity Severity, string Message)> _lines =
        Channel.CreateUnbounded<(SyslogSeverity, string)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SyslogWriter _writer;
    private readonly bool _echo;
    private readonly Task _loop;

    public SyslogSink(SyslogWriter writer, bool echo)
    {
        _writer = writer;
        _echo = echo;
        _loop = Task.Run(WriteLoop);
    }

    public long Lost => _writer.Lost;

    public string LastError => _writer.LastError;

    public void Write(SyslogSeverity severity, string message) => _lines.Writer.TryWrite((severity, message));

    private async Task WriteLoop()
    {
        await foreach (var (severity, message) in _lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            _writer.Write(severity, message);
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
        _writer.Dispose();
    }
}
