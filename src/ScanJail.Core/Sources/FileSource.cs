using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Configuration;

namespace ScanJail.Core.Sources;

/// <summary>
/// Follows every file matching a path or glob, surviving rotation; see FileSourceConfig.
/// One task reads all the files; it wakes on inotify events, on a poll timer (inotify can miss
/// events) and on a rescan timer that expands the glob again. Each wake-up checks every file for
/// rotation and reads what was appended. Positions are not saved here: each line carries the
/// position after it, which the engine saves once the line is counted.
/// </summary>
public sealed class FileSource(FileSourceConfig config, IPositionStore positions, TimeProvider time, ILogger logger) : ILogSource
{
    /// <summary>How often files are checked when no inotify event came.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a glob is expanded again to find new files (inotify creation events also trigger it).</summary>
    public static readonly TimeSpan RescanInterval = TimeSpan.FromSeconds(5);

    private readonly WakeSignal _signal = new();
    private readonly TaskCompletionSource _startedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, FileTail> _tails = new(StringComparer.Ordinal);
    private int _rescanDue = 1;
    private bool _started;
    private bool _warnedNoMatch;

    public string Name => config.Path;

    public SourceCounters Counters { get; } = new();

    public Task Started => _startedSignal.Task;

    /// <summary>Whether the line being written has more of its read behind it (for the router, see <see cref="ReadBurst"/>).</summary>
    internal ReadBurst Burst { get; } = new();

    /// <summary>Set by the engine from its jails' filters: lines none of them can match are handed on undecoded (<see cref="LogLine.Screened"/>).</summary>
    internal LineScreen? Screen { get; init; }

    /// <summary>Set by the engine: its router takes the lines straight from the reading task (see <see cref="ILineSink"/>); null: they go to the channel.</summary>
    internal ILineSink? Sink { get; init; }

    /// <summary>Reads until <paramref name="cancellationToken"/> is cancelled, then returns normally. Call it once.</summary>
    public async Task RunAsync(ChannelWriter<LogLine> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var context = new ReadContext(output, Counters, time, config.MaxLineLength, Screen, Burst, Sink);
        var glob = FileGlob.Parse(config.Path);
        // inotify wakes the loop on the watcher's own thread, the timers through the pool.
        using var watchers = new DirectoryWatchers(glob.MatchesFileName, rescan => Wake(rescan, inline: true), logger);
        using var poll = time.CreateTimer(_ => _signal.Set(), null, PollInterval, PollInterval);
        using var rescan = time.CreateTimer(_ => Wake(true, inline: false), null, RescanInterval, RescanInterval);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                _signal.Reset();
                if (Interlocked.Exchange(ref _rescanDue, 0) == 1)
                {
                    Rescan(glob, watchers);
                }

                if (!_startedSignal.Task.IsCompleted)
                {
                    // Every tail takes its start offset before any reading: reading waits on the engine
                    // (a backlog from a saved position can take minutes), and Started must not wait for it.
                    foreach (var tail in _tails.Values)
                    {
                        tail.Begin(context);
                    }

                    _startedSignal.TrySetResult();
                }

                foreach (var tail in _tails.Values)
                {
                    await tail.PumpAsync(context, cancellationToken);
                }

                if (glob.HasWildcards)
                {
                    ForgetIdleTails();
                }

                await _signal.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal way out.
        }
        finally
        {
            _startedSignal.TrySetResult();
            foreach (var tail in _tails.Values)
            {
                tail.Dispose();
            }

            _tails.Clear();
        }
    }

    private void Wake(bool rescan, bool inline)
    {
        if (rescan)
        {
            Volatile.Write(ref _rescanDue, 1);
        }

        if (inline)
        {
            _signal.SetInline();
        }
        else
        {
            _signal.Set();
        }
    }

    private void Rescan(FileGlob glob, DirectoryWatchers watchers)
    {
        var first = !_started;
        _started = true;
        if (!glob.HasWildcards)
        {
            if (first)
            {
                // A literal path is followed whether or not it exists yet; the tail waits for it.
                _tails[config.Path] = new FileTail(config.Path, new TailStart(positions.Load(config.Path), config.FromStart), logger);
            }
        }
        else
        {
            AddMatches(glob, first);
        }

        watchers.Update(glob.ExpandDirectories());
    }

    private void AddMatches(FileGlob glob, bool first)
    {
        var files = glob.ExpandFiles();
        if (files.Count == 0 && !_warnedNoMatch && first)
        {
            _warnedNoMatch = true;
            logger.NoMatch(glob.Pattern);
        }

        foreach (var file in files.Where(f => !_tails.ContainsKey(f)))
        {
            // Files present at start follow the saved position or FromStart; a file that appears
            // later is new, so it is read from its start.
            var saved = positions.Load(file);
            if (!first && FileIdentity.TryOfPath(file, out var identity, out _))
            {
                // A rotated file the glob also matches (app.log -> app.log.1 under app.log*) is still
                // open in another tail: continue where that one stopped instead of reading it twice.
                foreach (var other in _tails.Values)
                {
                    if (other.TryTakeRetired(identity, out var lineEnd))
                    {
                        saved = new FilePosition(file, identity.Device, identity.Inode, lineEnd);
                        break;
                    }
                }
            }

            _tails[file] = new FileTail(file, new TailStart(saved, config.FromStart || !first), logger);
        }
    }

    private void ForgetIdleTails()
    {
        foreach (var tail in _tails.Values.Where(t => t.IsIdle && !File.Exists(t.Path)).ToList())
        {
            tail.Dispose();
            _tails.Remove(tail.Path);
        }
    }
}
