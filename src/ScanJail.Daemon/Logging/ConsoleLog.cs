using Microsoft.Extensions.Logging;

namespace ScanJail.Daemon.Logging;

/// <summary>
/// The engine's console log as <c>scanjail run</c> writes it: one line per entry, UTC time stamps to the millisecond.
/// Public for the micro-benchmarks, which time the <c>Ban</c> line through the same logger.
/// </summary>
public static class ConsoleLog
{
    public static ILoggingBuilder AddScanJailConsole(this ILoggingBuilder builder) =>
        builder.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
}
