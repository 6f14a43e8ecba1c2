using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ScanJail.Daemon.Logging;

/// <summary>
/// The engine's own log file (<c>scanjail run --log-file PATH</c>), written beside the console.
/// <see cref="Reopen"/> (on SIGUSR1) closes it and opens the path again, so logrotate can rename the
/// file away and the engine goes on in a new one. Lines are flushed as written.
/// </summary>
internal sealed class FileLog : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly TimeProvider _time;
    private StreamWriter? _writer;

    public FileLog(string path, TimeProvider time)
    {
        _path = path;
        _time = time;
        _writer = Open(path);
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    /// <summary>Closes the file and opens the path again (creating it if it was renamed away).</summary>
    public void Reopen()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = Open(_path);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private static StreamWriter Open(string path)
    {
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var text = new StringBuilder();
        text.Append(_time.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss.fff ", CultureInfo.InvariantCulture))
            .Append(Level(level)).Append(": ").Append(category).Append(": ").Append(message.ReplaceLineEndings(" | "));
        if (exception is not null)
        {
            text.Append(" | ").Append(exception.ToString().ReplaceLineEndings(" | "));
        }
        lock (_gate)
        {
            _writer?.WriteLine(text.ToString());
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class FileLogger(FileLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            log.Write(logLevel, category, formatter(state, exception), exception);
        }
    }
}
