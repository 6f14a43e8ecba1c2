using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

/// <summary>
/// One jail's live action: an unbounded single-reader queue and one loop that runs its items in
/// order. <c>start</c> runs once before the first item that needs it; a failed verb is retried with
/// backoff while later items wait (order matters: an unban must not overtake its ban).
/// </summary>
internal sealed partial class QueuedAction : IJailAction
{
    private readonly Channel<Item> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly IVerbRunner _runner;
    private readonly string _jail;
    private readonly ActionRetryOptions _retry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private long _succeeded;
    private long _failed;
    private long _retrying;
    private long _dropped;
    private int _pending;
    private int _disposed;
    private ErrorNote? _lastError;
    // Touched by the loop only.
    private bool _started;

    // Set by a queuing thread that must not run items itself even when the queue is idle (the engine loop
    // while more messages wait for it): an item it queues continues on the pool, as before round 6.
    [ThreadStatic]
    private static bool t_handOff;

    public QueuedAction(string name, string jail, IVerbRunner runner, ActionRetryOptions retry, TimeProvider time, ILogger logger, ActionRepair? repair = null)
    {
        Name = name;
        _jail = jail;
        _runner = runner;
        _retry = retry;
        _time = time;
        _logger = logger;
        _repair = repair ?? ActionRepair.None;
        // An action whose item starts quickly (a line to its kept-open tool, nft -i; a command started with
        // posix_spawn) takes an item on the thread that queues it when its loop is idle: the ban goes from the
        // engine loop right after the commit, without waiting for a pool thread (up to milliseconds on a busy
        // machine). What follows the start (the tool's answer, the command's exit) continues on the pool, and
        // an item queued while the loop is busy waits its turn there as before. Actions that talk to a server
        // per item (mail, webhook) keep the hop: that work must not hold the engine loop.
        _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = runner.StartsOnQueuingThread });
        _loop = Task.Run(RunLoopAsync);
        _checkTimer = StartCheckTimer();
    }

    public string Name { get; }

    /// <summary>
    /// While true on the calling thread, items it queues never start on it (a posix_spawn waits for the
    /// child's exec, milliseconds on a loaded machine: the engine loop must not wait for it under load).
    /// </summary>
    public static bool HandOff
    {
        get => t_handOff;
        set => t_handOff = value;
    }

    /// <summary>Items refused because the action was already disposed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public ActionHealth Health
    {
        get
        {
            var last = Volatile.Read(ref _lastError);
            return new ActionHealth(Name, Interlocked.Read(ref _succeeded), Interlocked.Read(ref _failed), Interlocked.Read(ref _retrying),
                Math.Max(Volatile.Read(ref _pending), 0), last?.Text, last?.At);
        }
    }

    public void Enqueue(ActionVerb verb, Ban? ban)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(new Item(verb, ban, null)))
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _dropped);
        }
    }

    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Item(ActionVerb.Check, null, drained)))
        {
            await _loop.WaitAsync(cancellationToken);
            return;
        }
        await drained.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops accepting items, lets the command that is running finish (its timeout bounds it), cancels any
    /// backoff wait, drops what has not started (call <see cref="DrainAsync"/> first for an orderly stop),
    /// then runs <c>stop</c> once if the action was started.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _loop;
            return;
        }
        _checkTimer?.Dispose();
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
        if (_runner is IAsyncDisposable owned)
        {
            // A kept-open tool process (a session) ends with the action.
            await owned.DisposeAsync();
        }
    }

    private async Task RunLoopAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(token))
            {
                if (t_handOff)
                {
                    // Woken on a queuing thread that hands off: on to the pool, order kept (this is the only reader).
                    await Task.Yield();
                }
                while (!token.IsCancellationRequested && _queue.Reader.TryRead(out var item))
                {
                    if (item.Drained is { } drained)
                    {
                        drained.TrySetResult();
                        continue;
                    }
                    List<Ban>? batch = null;
                    try
                    {
                        if (item.Tick)
                        {
                            await CheckAndRepairAsync(token);
                        }
                        else if (IsBatch(item))
                        {
                            // Started first: bans that arrive meanwhile join this batch.
                            await EnsureStartedAsync(token);
                            batch = TakeBatch(item);
                            await RunBatchVerbAsync(item.Verb, batch, _retry.MaxAttempts, token);
                        }
                        else
                        {
                            await ProcessAsync(item, token);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // A bug in one item must not end the loop: every later item would wait forever.
                        Interlocked.Increment(ref _failed);
                        Volatile.Write(ref _lastError, new ErrorNote($"{ActionLoader.VerbKey(item.Verb)}: {e.Message}", _time.GetUtcNow()));
                        _logger.LogError(e, "Action {Action} of jail {Jail}: {Verb} failed unexpectedly", Name, _jail, item.Verb);
                    }
                    finally
                    {
                        Interlocked.Add(ref _pending, item.Tick ? 0 : -(batch?.Count ?? 1));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed: fall through to the clean-up below.
        }
        while (_queue.Reader.TryRead(out var left))
        {
            if (left.Drained is { } drained)
            {
                drained.TrySetResult();
            }
            else if (!left.Tick)
            {
                Interlocked.Decrement(ref _pending);
                Interlocked.Increment(ref _dropped);
            }
        }
        if (Dropped > 0)
        {
            _logger.LogWarning("Action {Action} of jail {Jail} stopped with {Dropped} items not run", Name, _jail, Dropped);
        }
        if (_started)
        {
            // One attempt: shutdown must not wait through minutes of backoff.
            _started = false;
            await RunVerbAsync(ActionVerb.Stop, null, 1, CancellationToken.None);
        }
    }

    private async Task ProcessAsync(Item item, CancellationToken token)
    {
        switch (item.Verb)
        {
            case ActionVerb.Start:
                await EnsureStartedAsync(token);
                break;
            case ActionVerb.Stop:
                if (_started)
                {
                    _started = false;
                    await RunVerbAsync(ActionVerb.Stop, null, _retry.MaxAttempts, token);
                }
                break;
            case ActionVerb.Ban or ActionVerb.Unban when item.Ban is null:
                // Without a ban there is no address: running the command would act on an empty <ip>.
                Interlocked.Increment(ref _failed);
                Volatile.Write(ref _lastError, new ErrorNote($"{ActionLoader.VerbKey(item.Verb)}: no ban given, nothing run", _time.GetUtcNow()));
                break;
            default:
                await EnsureStartedAsync(token);
                await RunVerbAsync(item.Verb, item.Ban, _retry.MaxAttempts, token);
                break;
        }
    }

    private async Task EnsureStartedAsync(CancellationToken token)
    {
        if (_started)
        {
            return;
        }
        // Marked started even if start gives up: its failure is in the health, the item is still
        // tried, and stop will clean up whatever start managed to do.
        _started = true;
        await RunVerbAsync(ActionVerb.Start, null, _retry.MaxAttempts, token);
    }

    private async Task RunVerbAsync(ActionVerb verb, Ban? ban, int maxAttempts, CancellationToken token)
    {
        if (_runner.Steps(verb) == 0)
        {
            return;
        }
        var from = 0;
        for (var attempt = 1; ; attempt++)
        {
            var result = await _runner.RunAsync(verb, ban, from, token);
            if (result.Error is null)
            {
                Interlocked.Increment(ref _succeeded);
                return;
            }
            from = result.FailedStep;
            var what = ban is null ? ActionLoader.VerbKey(verb) : $"{ActionLoader.VerbKey(verb)} {ban.Address}";
            if (!await RetryAfterFailureAsync(what, attempt, maxAttempts, result.Error, token))
            {
                return;
            }
        }
    }

    /// <summary>
    /// After a failed attempt: records the error, then either gives up (last attempt, or stopping) and
    /// returns false, or waits out the backoff and returns true to try again.
    /// </summary>
    private async Task<bool> RetryAfterFailureAsync(string what, int attempt, int maxAttempts, string error, CancellationToken token)
    {
        Volatile.Write(ref _lastError, new ErrorNote($"{what}: {error}", _time.GetUtcNow()));
        if (attempt >= maxAttempts || token.IsCancellationRequested)
        {
            GiveUp(what, attempt, error);
            return false;
        }
        Interlocked.Increment(ref _retrying);
        var delay = _retry.DelayAfter(attempt);
        _logger.LogWarning("Action {Action} of jail {Jail}: {What} failed (attempt {Attempt} of {Max}), retrying in {Delay}: {Error}",
            Name, _jail, what, attempt, maxAttempts, delay, error);
        try
        {
            await Task.Delay(delay, _time, token);
            return true;
        }
        catch (OperationCanceledException)
        {
            GiveUp(what, attempt, error);
            return false;
        }
    }

    private void GiveUp(string what, int attempts, string error)
    {
        // The firewall may now differ from the ban book: the next periodic check repairs it.
        _needsRepair = true;
        Interlocked.Increment(ref _failed);
        _logger.LogError("Action {Action} of jail {Jail}: {What} failed after {Attempts} attempts, giving up: {Error}",
            Name, _jail, what, attempts, error);
    }

    private sealed record Item(ActionVerb Verb, Ban? Ban, TaskCompletionSource? Drained, bool Tick = false);

    private sealed record ErrorNote(string Text, DateTimeOffset At);
}
