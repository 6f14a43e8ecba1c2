using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;

namespace ScanJail.Bench.Micro;

/// <summary>
/// The engine's <c>Ban</c> warning, as BanBook writes it, through the console logger as <c>scanjail run</c> configures
/// it, written into the null device; in a loop (<see cref="RestedBenchmarks.RestedBanLine"/> is the same line after
/// a rest).
/// </summary>
public class BanLineBenchmarks
{
    private static readonly IPAddress Address = IPAddress.Parse("198.18.12.34");
    private ILoggerFactory? _loggers;
    private ILogger? _logger;

    /// <summary>
    /// The daemon's console logger, writing to the null device. It takes Console.Out when it is made: made while Out is
    /// the null device it writes there, and BenchmarkDotNet keeps the real Out for its own lines.
    /// </summary>
    public static ILoggerFactory NullConsole()
    {
        var output = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            return LoggerFactory.Create(b => b.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            }));
        }
        finally
        {
            Console.SetOut(output);
        }
    }

    /// <summary>The line BanBook writes for a ban (its template and values).</summary>
    public static void Write(ILogger logger, IPAddress address) =>
        logger.LogWarning("[{Jail}] Ban {Address} ({Failures} failures, {Length})", "sshd", address, 5, "00:10:00");

    [GlobalSetup]
    public void Open()
    {
        _loggers = NullConsole();
        _logger = _loggers.CreateLogger("ScanJail");
    }

    [GlobalCleanup]
    public void Close() => _loggers?.Dispose();

    [Benchmark]
    public void BanLine() => Write(_logger!, Address);
}
