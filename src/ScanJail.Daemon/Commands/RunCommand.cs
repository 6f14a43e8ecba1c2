using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Engine;
using ScanJail.Core.Persistence;
using ScanJail.Core.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Daemon.Control;
using ScanJail.Daemon.Logging;

namespace ScanJail.Daemon.Commands;

/// <summary>
/// <c>scanjail run</c>: validate the configuration (refusing to start on any error, before touching
/// anything), open the database, start the engine and the control socket, then run until SIGTERM or
/// SIGINT. SIGHUP reloads like <c>scanjail-client reload</c>.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = Options.ConfigDir();
        var socket = new Option<string>("--socket") { Description = "The control socket", DefaultValueFactory = _ => Options.DefaultSocket, HelpName = "PATH" };
        var socketGroup = new Option<string?>("--socket-group") { Description = "The group that owns the control socket (mode 0660): its members may read status", HelpName = "GROUP" };
        var db = new Option<string>("--db") { Description = "The SQLite database (bans, positions)", DefaultValueFactory = _ => Options.DefaultDatabase, HelpName = "PATH" };
        var level = new Option<LogLevel>("--log-level") { Description = "Trace, Debug, Information, Warning, Error", DefaultValueFactory = _ => LogLevel.Information };
        var logFile = new Option<string?>("--log-file") { Description = "Also write the log to this file (reopened on SIGUSR1, for logrotate)", HelpName = "PATH" };
        var command = new Command("run", "Run the engine in the foreground") { config, socket, socketGroup, db, level, logFile };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(config)!, parse.GetValue(socket)!, parse.GetValue(socketGroup), parse.GetValue(db)!, parse.GetValue(level), parse.GetValue(logFile)));
        return command;
    }

    // SIGUSR1 is not in PosixSignal; its Linux number is cast, as the PosixSignalRegistration docs allow.
    private const PosixSignal SigUsr1 = (PosixSignal)10;

    private static async Task<int> RunAsync(string configDir, string socketPath, string? socketGroup, string dbPath, LogLevel level, string? logFilePath)
    {
        FileLog? fileLog;
        try
        {
            fileLog = logFilePath is null ? null : new FileLog(logFilePath, TimeProvider.System);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"scanjail: cannot open the log file {logFilePath}: {e.Message}");
            return ExitCodes.CannotCreate;
        }
        using var fileLogLifetime = fileLog;
        using var loggers = LoggerFactory.Create(b => b
            .SetMinimumLevel(level)
            .AddScanJailConsole()
            .AddProvider(fileLog is null ? NullLoggerProvider.Instance : new SharedProvider(fileLog)));
        var logger = loggers.CreateLogger("ScanJail");
        var loaded = ConfigReader.Load(configDir);
        if (loaded.Config is null)
        {
            ConfigReader.PrintErrors(loaded, Console.Error);
            return ExitCodes.Config;
        }
        SqliteStore store;
        try
        {
            store = SqliteStore.Open(dbPath);
        }
        catch (StoreException e)
        {
            Console.Error.WriteLine($"scanjail: {e.Message}");
            return ExitCodes.CannotCreate;
        }
        using var storeLifetime = store;
        var engine = new Engine(loaded.Config, store, TimeProvider.System, loggers, () => ConfigReader.Load(configDir));
        await using var server = new ControlServer(socketPath, engine, loggers.CreateLogger<ControlServer>(), new ControlServerOptions { Group = socketGroup });
        try
        {
            await server.StartAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException or InvalidOperationException)
        {
            Console.Error.WriteLine($"scanjail: cannot serve the control socket {socketPath}: {e.Message}");
            return ExitCodes.Unavailable;
        }
        await engine.StartAsync();
        CollectStartGarbage(logger);

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
        {
            c.Cancel = true;
            _ = Task.Run(async () =>
            {
                var outcome = await engine.ReloadAsync(null, CancellationToken.None);
                logger.Log(outcome.Ok ? LogLevel.Information : LogLevel.Error, "SIGHUP: {Message}{Errors}", outcome.Message,
                    outcome.Errors is { Count: > 0 } errors ? "\n" + string.Join('\n', errors) : "");
            });
        });
        using var usr1 = PosixSignalRegistration.Create(SigUsr1, c =>
        {
            c.Cancel = true;
            fileLog?.Reopen();
            logger.LogInformation("SIGUSR1: log file {Path} reopened", logFilePath ?? "(none)");
        });
        logger.LogInformation("Ready: control socket {Socket}, database {Db}", socketPath, dbPath);
        SystemdNotifier.Notify("READY=1\nSTATUS=Running");
        await stop.Task;
        SystemdNotifier.Notify("STOPPING=1");
        logger.LogInformation("Stopping");
        // The socket goes first, so no command reaches an engine that is stopping.
        await server.DisposeAsync();
        await engine.DisposeAsync();
        // A stop that could not write the bans and positions to the database lost them: say so to systemd too.
        return engine.SavedAtStop ? ExitCodes.Ok : ExitCodes.IoError;
    }

    /// <summary>
    /// The start's garbage (configuration, the filters' builders, the restored rows) collected once, compacted, before
    /// the first line, rather than by collections during the first bans: a just-started engine's slowest ban of 1,000
    /// was 44 to 70 ms without it and 27 to 42 ms with it, in six alternated runs (docs/performance.md, round 14). Here
    /// and not in the engine: a process's decision, and tests start engines by the hundred in one process.
    /// </summary>
    private static void CollectStartGarbage(ILogger logger)
    {
        var before = GC.GetTotalMemory(forceFullCollection: false);
        var began = TimeProvider.System.GetTimestamp();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        logger.LogDebug("Start: the start's garbage collected in {Ms} ms, managed heap {Before} KB before, {After} KB after",
            (long)TimeProvider.System.GetElapsedTime(began).TotalMilliseconds, before >> 10, GC.GetTotalMemory(forceFullCollection: false) >> 10);
    }
}
