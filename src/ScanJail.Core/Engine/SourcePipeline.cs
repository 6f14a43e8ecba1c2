using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Configuration;
using ScanJail.Core.Jails;
using ScanJail.Core.Sources;
using ScanJail.Core.Sources.Syslog;

namespace ScanJail.Core.Engine;

/// <summary>
/// The running sources and their line routers: one source per distinct file path, shared by every
/// jail that reads it. Stopping cancels the sources, lets the routers drain, and returns when every
/// line read has been handed to the engine loop.
/// </summary>
internal sealed class SourcePipeline : IAsyncDisposable
{
    // Lines waiting between a source and its router outlive the GC's young generation when the router is
    // behind: at 4,096 a replay made 34 collections of generation 1 per million lines, at 1,024 about 19.
    private const int LineBuffer = 1024;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly List<ILogSource> _sources = [];
    private HostResolver? _resolver;

    public IReadOnlyList<ILogSource> Sources => _sources;

    /// <summary>Completes when every source has taken its start position (or <paramref name="limit"/> passed: a stuck file system must not hold the engine).</summary>
    public async Task WaitStartedAsync(TimeSpan limit)
    {
        var all = Task.WhenAll(_sources.Select(s => s.Started));
        await Task.WhenAny(all, Task.Delay(limit));
    }

    public static SourcePipeline Start(
        IEnumerable<Jail> jails, IPositionStore positions, ChannelWriter<EngineMessage> inbox,
        EngineCounters counters, TimeProvider time, ILoggerFactory loggers, bool replay, ICursorStore? cursors = null,
        ChannelWriter<EngineMessage>? inboxRunningLoop = null)
    {
        var pipeline = new SourcePipeline();
        var byPath = new Dictionary<string, (FileSourceConfig Config, List<JailRoute> Routes)>(StringComparer.Ordinal);
        foreach (var jail in jails)
        {
            foreach (var file in jail.Config.Sources.OfType<FileSourceConfig>())
            {
                if (!byPath.TryGetValue(file.Path, out var entry))
                {
                    entry = (file, []);
                    byPath[file.Path] = entry;
                }
                entry.Routes.Add(JailRoute.Of(jail));
            }
        }
        // usedns: yes: one resolver for every router, only when a jail asks for it.
        if (byPath.Values.Any(e => e.Routes.Any(r => r.UseDns == DnsMode.Yes)))
        {
            pipeline._resolver = new HostResolver(inbox, counters, loggers.CreateLogger<HostResolver>());
        }
        foreach (var (_, (config, routes)) in byPath)
        {
            // The source's reading task routes its lines itself (no LogLine, no hand-off per line): on the inotify thread
            // for a line appended at idle, which then handles the failure itself when the loop is idle (EngineInbox);
            // what a burst sends before its end waits in the lane for the loop's thread.
            var router = new LineRouter([.. routes], inboxRunningLoop ?? inbox, counters, time, replay, pipeline._resolver, loggers.CreateLogger<LineRouter>(), inboxInBurst: inbox);
            // Lines none of the routes' filters can match are never decoded (see LineScreen).
            var source = new FileSource(config, positions, time, loggers.CreateLogger<FileSource>()) { Screen = LineScreen.For(routes.Select(r => r.Filter.RequiredLiterals)), Sink = router };
            pipeline.Add(source, router, loggers.CreateLogger<SourcePipeline>());
        }
        foreach (var (source, routes) in IntakeSources.Create(jails, cursors, time, loggers))
        {
            // A datagram receiver's router (on the receiver's thread, see Add) handles its failure itself when the loop is idle.
            var writer = source is SyslogSource { ReceivesOnItsOwnThread: true } && inboxRunningLoop is not null ? inboxRunningLoop : inbox;
            pipeline.Add(source, new LineRouter([.. routes], writer, counters, time, replay), loggers.CreateLogger<SourcePipeline>());
        }
        return pipeline;
    }

    private void Add(ILogSource source, LineRouter router, ILogger logger)
    {
        // A datagram receiver blocks on a thread of its own: when its router waits for a line, the router
        // runs on that thread, so an alert reaches the engine loop without waiting for a pool thread (a
        // hop of 0.2 ms, and milliseconds on a busy machine, on the way from a scan to its drop). A file
        // source routes on its reading task through the router's ILineSink: its channel stays empty, and
        // the router's task only sends what is left once the source has stopped.
        var lines = CreateLines(inline: source is SyslogSource { ReceivesOnItsOwnThread: true });
        _sources.Add(source);
        _tasks.Add(Task.Run(async () =>
        {
            try
            {
                await source.RunAsync(lines.Writer, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                source.Counters.Errors.Increment();
                logger.LogError(e, "Source {Source} stopped: {Message}", source.Name, e.Message);
            }
            finally
            {
                lines.Writer.TryComplete();
            }
        }));
        _tasks.Add(Task.Run(() => router.RunAsync(lines.Reader)));
    }

    /// <summary>The channel between a source and its router; <paramref name="inline"/>: a waiting router runs on the writer's thread.</summary>
    internal static Channel<LogLine> CreateLines(bool inline) =>
        Channel.CreateBounded<LogLine>(new BoundedChannelOptions(LineBuffer) { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = inline });

    /// <summary>Stops the sources and waits until the routers have handed over every line read.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
        if (_resolver is not null)
        {
            await _resolver.DisposeAsync();
        }
        _stop.Dispose();
    }
}
