using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using ScanJail.Daemon.Logging;

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
    /// The daemon's console logger (<see cref="ConsoleLog"/>), writing to the null device. It takes Console.Out when it is made: made while Out is
    /// the null device it writes there, and BenchmarkDotNet keeps the real Out for its own lines.
    /// </summary>
    private static ILoggerFactory NullConsole()
    {
        var output = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            return LoggerFactory.Create(b => b.AddScanJailConsole());
        }
        finally
        {
            Console.SetOut(output);
        }
    }

    [GlobalSetup]
    public void Open()
    {
        _loggers = NullConsole();
        _logger = _loggers.CreateLogger("ScanJail");
    }

    [GlobalCleanup]
    public void Close() => _loggers?.Dispose();

    /// <summary>The line BanBook writes for a ban (its template and values).</summary>
    [Benchmark]
    public void BanLine() =>
        _logger!.LogWarning("[{Jail}] Ban {Address} ({Failures} failures, {Length})", "sshd", Address, 5, "00:10:00");
}
