using Microsoft.Extensions.Logging;

namespace ScanJail.Daemon.Logging;

/// <summary>Hands a provider to the logger factory without giving it ownership: the factory's Dispose must not close the log file before the last "Stopped" line.</summary>
internal sealed class SharedProvider(ILoggerProvider inner) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

    public void Dispose()
    {
        // The owner disposes the inner provider.
    }
}
