using System.Net;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;
using ScanJail.Core.Jails;
using ScanJail.Core.Persistence;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Engine;

/// <summary>
/// The engine: sources feed line routers, routers send failures to one loop, and the loop alone
/// counts, bans, unbans and checkpoints (DESIGN.md's data flow). Control commands run on the same
/// loop, so a manual ban takes the same path as a detected one.
/// </summary>
public sealed partial class Engine : IAsyncDisposable
{
    private readonly EngineInbox _inbox = new();
    private readonly Dictionary<string, Jail> _jails = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FilePosition> _positions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _pipelineGate = new(1, 1);
    private readonly SqliteStore _store;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Func<ConfigLoadResult> _loadConfig;
    private readonly EngineOptions _options;
    private readonly BanBook _book;
    private readonly Reports.ScanLedger _scans = new();
    private readonly ActionRelease _release = new();
    // Held while the loop's work runs: by the loop's thread, or by the datagram receiver's thread when
    // the loop is idle (EngineInbox.RunsLoopWhenIdle). Either way one thread at a time owns the loop's state.
    private readonly Lock _loopOwner = new();
    private bool _loopEnded;
    private EngineConfig _config;
    private SourcePipeline? _pipeline;
    private ITimer? _checkpointTimer;
    private Task? _loop;
    private bool _positionsDirty;
    private int _failuresSinceCheckpoint;
    private int _checkpointQueued;
    // The checkpoint written inside the open batch, re-marked if the batch's commit fails.
    private (List<(string, IPAddress, IReadOnlyList<DateTimeOffset>)> Failures, List<(string, IPAddress)> Cleared)? _checkpointInBatch;
    private bool _stopped;

    public Engine(EngineConfig config, SqliteStore store, TimeProvider time, ILoggerFactory loggers, Func<ConfigLoadResult> loadConfig, EngineOptions? options = null)
    {
        _config = config;
        _store = store;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<Engine>();
        _loadConfig = loadConfig;
        _options = options ?? new EngineOptions();
        _book = new BanBook(store, time, loggers.CreateLogger<BanBook>(), () => Post(ExpireDue)) { AfterActionsStart = _release.AfterRelease };
        StartedAt = time.GetUtcNow();
    }

    public EngineCounters Counters { get; } = new();
    public DateTimeOffset StartedAt { get; }

    /// <summary>Builds the jails, restores failures and bans from the database, then starts reading.</summary>
    public async Task StartAsync()
    {
        _loop = StartLoopThread();
        // Read while the loop builds the jails (their filters take a few hundred ms): a restart's 100,000
        // bans are a few hundred ms of reading, and the firewall waits for both.
        var issues = new StoredRowIssues();
        var stored = Task.Run(() => _store.LoadBans(issues));
        var prepared = HotMethodsPrepared.Value;
        await OnLoop(() =>
        {
            var began = _time.GetTimestamp();
            foreach (var config in _config.EnabledJails)
            {
                _jails[config.Name] = JailBuilder.Build(config, null, _time, _loggers, CurrentBansAsync, _release);
            }
            var built = _time.GetTimestamp();
            StartActions(_jails.Values);
            RestoreFromStore(stored.GetAwaiter().GetResult(), issues);
            var restored = _time.GetTimestamp();
            if (_store.ReplayedFromJournal > 0)
            {
                _logger.LogWarning("Database: {Count} ban(s) whose actions ran before the last run ended without writing them restored from the journal {Path}",
                    _store.ReplayedFromJournal, BanJournal.PathFor(_store.Path));
            }
            if (_store.JournalIssues.Any)
            {
                _logger.LogWarning("Database: {Skipped} line(s) of the journal {Path} skipped, not ban records (first: {First})",
                    _store.JournalIssues.Skipped, BanJournal.PathFor(_store.Path), _store.JournalIssues.First);
            }
            if (issues.Any)
            {
                _logger.LogWarning("Database: {Skipped} stored row(s) skipped and {Mended} mended at start, rows no engine writes (first: {First}); the rest is restored",
                    issues.Skipped, issues.Mended, issues.First);
            }
            WarmUp();
            // Where a slow start goes (a restart with many bans: measured by scripts/scale-measure).
            _logger.LogDebug("Start: jails built in {Build} ms, restored in {Restore} ms, warmed up in {WarmUp} ms",
                (long)_time.GetElapsedTime(began, built).TotalMilliseconds, (long)_time.GetElapsedTime(built, restored).TotalMilliseconds,
                (long)_time.GetElapsedTime(restored).TotalMilliseconds);
            return true;
        });
        await prepared;
        await StartPipelineAsync();
        _checkpointTimer = _time.CreateTimer(_ => PostCheckpoint(), null, _options.Checkpoint, _options.Checkpoint);
        _logger.LogInformation("Started {Count} jail(s): {Jails}", _jails.Count, string.Join(", ", _jails.Keys));
    }

    /// <summary>Stops reading, saves positions and failures, runs every action's stop and waits for the queues.</summary>
    public async Task StopAsync()
    {
        if (_stopped || _loop is null)
        {
            return;
        }
        _stopped = true;
        _checkpointTimer?.Dispose();
        await StopPipelineAsync();
        var actions = await OnLoop(() =>
        {
            Checkpoint();
            return _jails.Values.SelectMany(j => j.Actions).ToList();
        });
        _inbox.Complete();
        await _loop;
        ReportUnsaved(); // after the loop's last batch was committed (or failed); nothing else touches the book now
        // Each action's stop is its last item, queued once the loop has ended: what the loop did after the checkpoint
        // (an unban falling due, a failure still in a lane) came after a stop queued from the loop, and started the
        // action again during the shutdown (a firewall's start empties it; the kill -9 test saw its bans gone).
        foreach (var action in actions)
        {
            action.Enqueue(ActionVerb.Stop, null);
        }
        using var timeout = new CancellationTokenSource(_options.StopTimeout);
        foreach (var action in actions)
        {
            try
            {
                await action.DrainAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _logger.LogWarning("Action {Action} did not finish within {Timeout}", action.Name, _options.StopTimeout);
            }
            await action.DisposeAsync();
        }
        _logger.LogInformation("Stopped");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_loop is { IsCompleted: true })
        {
            _inbox.Dispose();
        }
        _book.Dispose();
        _pipelineGate.Dispose();
    }

    /// <summary>
    /// The loop runs on its own thread, blocking on its inbox: as a thread-pool task its wake-up waited for a
    /// free pool thread, and under a flood the pool's threads are busy reading and filtering.
    /// </summary>
    private Task StartLoopThread()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                _inbox.RunHere = TryRunLoopHere;
                try
                {
                    while (_inbox.WaitToRead())
                    {
                        lock (_loopOwner)
                        {
                            // Empty when the receiver's thread handled it first.
                            if (!_inbox.IsEmpty)
                            {
                                HandleBatch();
                            }
                        }
                    }
                }
                finally
                {
                    lock (_loopOwner)
                    {
                        _loopEnded = true;
                    }
                }
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = "engine loop" };
        thread.Start();
        return done.Task;
    }

    /// <summary>The loop's work on the calling thread, if no thread owns the loop now (never nested on one thread).</summary>
    private bool TryRunLoopHere()
    {
        if (_loopOwner.IsHeldByCurrentThread || !_loopOwner.TryEnter())
        {
            return false;
        }
        try
        {
            if (_loopEnded)
            {
                return false;
            }
            HandleBatch();
            return true;
        }
        finally
        {
            _loopOwner.Exit();
        }
    }

    private void HandleMessage(EngineMessage message)
    {
        try
        {
            Handle(message);
        }
        catch (Exception e)
        {
            // One bad message must never stop the engine: count it, log it, go on.
            Counters.EngineErrors.Increment();
            _logger.LogError(e, "Engine loop: {Message}", e.Message);
        }
    }

    private void Handle(EngineMessage message)
    {
        switch (message)
        {
            case FailureFound found:
                OnFailure(found.Failure);
                if (found.Position is { } position)
                {
                    SetPosition(position);
                }
                break;
            case FailuresFound batch:
                foreach (ref readonly var failure in CollectionsMarshal.AsSpan(batch.Failures))
                {
                    OnFailure(in failure);
                }
                batch.Spares?.Return(batch.Failures);
                if (batch.Position is { } batchPosition)
                {
                    SetPosition(batchPosition);
                }
                break;
            case PositionReached reached:
                SetPosition(reached.Position);
                break;
            case LoopWork work:
                work.Work();
                break;
        }
    }

    private void OnFailure(in Failure failure)
    {
        if (!_jails.TryGetValue(failure.Jail, out var jail))
        {
            return; // the jail went away in a reload
        }
        // Made once: the ignore list, the ban book and the counter all look the address up by it.
        var addressKey = AddressKey.From(failure.Address);
        if (jail.Ignore.Contains(addressKey))
        {
            Counters.FailuresIgnoredAddress.Increment();
            return;
        }
        // With banprefix, failures count per network and the ban covers it.
        var target = BanBook.Target(jail, failure.Address);
        var key = ReferenceEquals(target, failure.Address) ? addressKey : AddressKey.From(target);
        if (_book.IsBanned(jail.Name, key))
        {
            _scans.Record(in failure, addressKey);
            Counters.FailuresWhileBanned.Increment();
            return;
        }
        Counters.Failures.Increment();
        jail.TotalFailed++;
        if (failure.Origin is { } origin)
        {
            jail.Origins.Add(origin, target);
        }
        _failuresSinceCheckpoint++;
        var (failures, ban) = jail.Counter.Add(key, failure.Time);
        // Empty: routed before a reload made the jail keep lines (a failure's line is never empty otherwise).
        if (jail.KeepsLines && failure.Line.Length > 0)
        {
            jail.Recent.Add(target, failure.Line);
        }
        var made = ban ? _book.Ban(jail, target, failures, failure.Fields, lines: jail.KeepsLines ? jail.Recent.Take(target) : []) : null;
        // The scan report's bookkeeping (a new source's entry) after the ban: the drop does not wait for it. It keeps
        // the address itself, not the banprefix network.
        _scans.Record(in failure, addressKey);
        if (made is not null)
        {
            Counters.Bans.Increment();
            _scans.RecordBan(addressKey, made.Start, made.End);
        }
    }

    private void SetPosition(FilePosition position)
    {
        _positions[position.Path] = position;
        _positionsDirty = true;
    }

    private void ExpireDue() => Counters.Unbans.Add(_book.ExpireDue(name => _jails.GetValueOrDefault(name)));

    private void Checkpoint()
    {
        if (!_book.SaveUnsaved())
        {
            // The database still refuses writes: keep the changes for the next checkpoint rather than wait on it twice.
            Counters.CheckpointErrors.Increment();
            return;
        }
        var failures = new List<(string, IPAddress, IReadOnlyList<DateTimeOffset>)>();
        var cleared = new List<(string, IPAddress)>();
        foreach (var jail in _jails.Values)
        {
            var (changed, gone) = jail.Counter.TakeChanges();
            // Sized once: a replay's checkpoint has thousands of entries, and growing the lists by doubling copied them all again.
            failures.EnsureCapacity(failures.Count + changed.Count);
            cleared.EnsureCapacity(cleared.Count + gone.Count);
            foreach (var (address, times) in changed)
            {
                failures.Add((jail.Name, address, times));
            }
            foreach (var address in gone)
            {
                cleared.Add((jail.Name, address));
            }
        }
        _failuresSinceCheckpoint = 0;
        if (!_positionsDirty && failures.Count == 0 && cleared.Count == 0)
        {
            return;
        }
        try
        {
            _store.SaveCheckpoint([.. _positions.Values], failures, cleared);
            _positionsDirty = false;
            if (_store.Batching)
            {
                _checkpointInBatch = (failures, cleared);
            }
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            Counters.CheckpointErrors.Increment();
            Remark(failures, cleared);
            _logger.LogError("Cannot save positions to {Path}: {Message}", _store.Path, _store.Explain(e));
        }
    }

    /// <summary>True once stopped with everything written; false when the last checkpoint could not write it all (the database still failing).</summary>
    public bool SavedAtStop { get; private set; } = true;

    /// <summary>At stop, the last chance to write: what the database still refuses is lost, and the log says so.</summary>
    private void ReportUnsaved()
    {
        SavedAtStop = _book.Unsaved == 0 && !_positionsDirty;
        if (!SavedAtStop)
        {
            _logger.LogError("Stopping with {Count} ban change(s){Positions} not written to {Path}: the database still refuses writes. " +
                "The next start reads the logs again from the last saved positions and bans again from those lines; manual bans and unbans made since are lost",
                _book.Unsaved, _positionsDirty ? " and the file positions" : "", _store.Path);
        }
    }

    /// <summary>Not lost: the next checkpoint that succeeds writes these entries again, and the positions.</summary>
    private void Remark(List<(string, IPAddress, IReadOnlyList<DateTimeOffset>)> failures, List<(string, IPAddress)> cleared)
    {
        _positionsDirty = true;
        foreach (var jail in _jails.Values)
        {
            jail.Counter.MarkChanged(failures.Where(f => f.Item1 == jail.Name).Select(f => f.Item2).Concat(cleared.Where(c => c.Item1 == jail.Name).Select(c => c.Item2)));
        }
    }

    /// <summary>
    /// One checkpoint waiting at a time: when the database is slow (locked: each write waits for the busy
    /// timeout), timer ticks must not pile up checkpoints in the inbox ahead of failures and commands.
    /// </summary>
    private void PostCheckpoint()
    {
        if (Interlocked.Exchange(ref _checkpointQueued, 1) == 0)
        {
            Post(() =>
            {
                Volatile.Write(ref _checkpointQueued, 0);
                Checkpoint();
                // A disk failure or power cut then loses at most about a second (SqliteStore.Sync); the loop does not wait for the disk.
                _ = _store.SyncToDisk();
            });
        }
    }

    private void RestoreFromStore(IReadOnlyList<Ban> stored, StoredRowIssues issues)
    {
        foreach (var (jailName, address, times) in _store.LoadFailures(issues))
        {
            if (_jails.TryGetValue(jailName, out var jail))
            {
                jail.Counter.Restore(address, times);
            }
        }
        // Each jail's bans in one pass, so its actions get them back to back and batch them.
        foreach (var bans in stored.GroupBy(b => b.Jail, StringComparer.Ordinal))
        {
            if (_jails.TryGetValue(bans.Key, out var jail))
            {
                _book.Restore(jail, [.. bans]);
            }
            else
            {
                _logger.LogWarning("{Count} ban(s) in jail {Jail} kept in the database: the jail is not enabled", bans.Count(), bans.Key);
            }
        }
        // Lines read again after a crash must not count towards a second ban (FailureCounter.Spent). After
        // the bans (Spent commutes), so that the actions start enforcing them while this reads the history.
        var now = _time.GetUtcNow();
        var window = _jails.Values.Select(j => j.Config.FindTime).DefaultIfEmpty().Max();
        foreach (var (jailName, address, start) in _store.LatestBans(now - window, issues))
        {
            if (_jails.TryGetValue(jailName, out var spentJail) && start > now - spentJail.Config.FindTime)
            {
                spentJail.Counter.Spent(address, start);
            }
        }
    }

    /// <summary>A jail's active bans, read on the loop: an action re-applies them after repairing a flushed firewall.</summary>
    private Task<IReadOnlyList<Ban>> CurrentBansAsync(string jail, CancellationToken cancellationToken) =>
        OnLoop(() => (IReadOnlyList<Ban>)[.. _book.ActiveIn(jail)]);

    private async Task StartPipelineAsync()
    {
        var jails = await OnLoop(() => _jails.Values.ToList());
        _pipeline = SourcePipeline.Start(jails, _store, _inbox.Writer, Counters, _time, _loggers, _options.Replay, _store, _inbox.WriterRunningLoop);
        await _pipeline.WaitStartedAsync(TimeSpan.FromSeconds(10));
    }

    private async Task StopPipelineAsync()
    {
        if (_pipeline is { } pipeline)
        {
            _pipeline = null;
            await pipeline.DisposeAsync();
        }
    }

    /// <summary>Queues work from a timer. Loop work has its own unbounded lane: an expiry is never lost to a flooded inbox.</summary>
    private void Post(Action work) => _inbox.TryPost(new LoopWork(work));

    /// <summary>
    /// Runs <paramref name="work"/> on the loop and returns its result. The loop's own task is returned, not
    /// an async wrapper: the control reads (status, banned, stats) wait for it synchronously on thread-pool
    /// threads, and a wrapper's completion is a continuation that needs a free pool thread. Under a storm of
    /// readers every pool thread waited for a wrapper that no thread was left to complete, and the sources
    /// (which run on the pool too) stopped reading (ControlStormTests). The loop's thread sets this task,
    /// which releases a synchronous waiter at once; awaiting callers still continue on the pool.
    /// </summary>
    private Task<T> OnLoop<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = new LoopWork(() =>
        {
            try
            {
                var result = work();
                _release.AfterRelease(() => done.SetResult(result));
            }
            catch (Exception e)
            {
                _release.AfterRelease(() => done.SetException(e));
            }
        });
        return _inbox.TryPost(message) ? done.Task : Task.FromException<T>(new ChannelClosedException());
    }
}
