using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions.Notify;

/// <summary>
/// A notification action (mail, sendmail, webhook) of one jail: a BOUNDED queue that drops the oldest
/// notice when full (counted in <see cref="ActionHealth.Dropped"/> and logged), one loop that delivers in
/// order and retries a failed delivery with backoff. A notice never changes the firewall, so dropping an
/// old one under a flood is better than growing without limit. In digest mode bans are gathered and sent
/// as one notice per interval (and at shutdown, by <see cref="DrainAsync"/>).
/// </summary>
internal sealed class NotifyAction : IJailAction
{
    private readonly Channel<Notice> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly INotifier _notifier;
    private readonly string _jail;
    private readonly int _capacity;
    private readonly ActionRetryOptions _retry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _digestLock = new();
    private readonly List<Ban> _digest = [];
    private readonly ITimer? _digestTimer;
    private readonly Task _loop;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _succeeded;
    private long _failed;
    private long _retrying;
    private long _dropped;
    private int _pending;
    private int _disposed;
    private ErrorNote? _lastError;

    public NotifyAction(string name, string jail, INotifier notifier, int capacity, TimeSpan? digest, ActionRetryOptions retry, TimeProvider time, ILogger logger)
    {
        Name = name;
        _jail = jail;
        _notifier = notifier;
        _capacity = Math.Max(capacity, 1);
        _retry = retry;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<Notice>(
            new BoundedChannelOptions(_capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            OnDropped);
        if (digest is { } every)
        {
            _digestTimer = time.CreateTimer(_ => FlushDigest(), null, every, every);
        }
        _loop = Task.Run(RunLoopAsync);
    }

    public string Name { get; }

    public ActionHealth Health
    {
        get
        {
            var last = Volatile.Read(ref _lastError);
            return new ActionHealth(Name, Interlocked.Read(ref _succeeded), Interlocked.Read(ref _failed), Interlocked.Read(ref _retrying),
                Math.Max(Volatile.Read(ref _pending), 0), last?.Text, last?.At, Interlocked.Read(ref _dropped));
        }
    }

    public void Enqueue(ActionVerb verb, Ban? ban)
    {
        if (ban is null || !_notifier.Handles(verb) || Volatile.Read(ref _disposed) != 0)
        {
            return; // start, stop, check and flush mean nothing to a notification
        }
        if (_digestTimer is not null && verb == ActionVerb.Ban)
        {
            Ban? dropped = null;
            lock (_digestLock)
            {
                if (_digest.Count >= _capacity)
                {
                    dropped = _digest[0];
                    _digest.RemoveAt(0);
                }
                _digest.Add(ban);
            }
            if (dropped is null)
            {
                Interlocked.Increment(ref _pending);
            }
            else
            {
                CountDropped(1);
            }
            return;
        }
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(new Notice(verb, [ban], false)))
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>Moves the gathered bans into one digest notice.</summary>
    public void FlushDigest()
    {
        List<Ban> bans;
        lock (_digestLock)
        {
            if (_digest.Count == 0)
            {
                return;
            }
            bans = [.. _digest];
            _digest.Clear();
        }
        // The bans are already counted as pending; the digest carries them.
        if (!_queue.Writer.TryWrite(new Notice(ActionVerb.Ban, bans, true)))
        {
            Interlocked.Add(ref _pending, -bans.Count);
        }
    }

    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        FlushDigest();
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (Volatile.Read(ref _pending) <= 0 || _loop.IsCompleted)
            {
                return;
            }
            await progress.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops accepting notices, cancels any backoff wait and drops what has not been delivered (call <see cref="DrainAsync"/> first).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _loop;
            return;
        }
        if (_digestTimer is not null)
        {
            await _digestTimer.DisposeAsync();
        }
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
        (_notifier as IDisposable)?.Dispose();
    }

    private void OnDropped(Notice notice) => CountDropped(notice.Bans.Count);

    private void CountDropped(int bans)
    {
        Interlocked.Add(ref _pending, -bans);
        var total = Interlocked.Add(ref _dropped, bans);
        // Logged at the first drop and then at every hundredth: a flood must not flood the log too.
        if (total == bans || total / 100 != (total - bans) / 100)
        {
            _logger.LogWarning("Action {Action} of jail {Jail}: queue full ({Capacity}), dropped the oldest notice; {Dropped} dropped so far",
                Name, _jail, _capacity, total);
        }
    }

    private async Task RunLoopAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(token))
            {
                while (!token.IsCancellationRequested && _queue.Reader.TryRead(out var notice))
                {
                    try
                    {
                        await DeliverAsync(notice, token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // A bug in one notice must not end the loop: every later one would wait forever.
                        Interlocked.Increment(ref _failed);
                        Volatile.Write(ref _lastError, new ErrorNote($"{notice.Describe()}: {e.Message}", _time.GetUtcNow()));
                        _logger.LogError(e, "Action {Action} of jail {Jail}: {What} failed unexpectedly", Name, _jail, notice.Describe());
                    }
                    finally
                    {
                        Interlocked.Add(ref _pending, -notice.Bans.Count);
                        Interlocked.Exchange(ref _progress, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed: what is left is dropped below.
        }
        var left = 0;
        while (_queue.Reader.TryRead(out var notice))
        {
            left += notice.Bans.Count;
        }
        lock (_digestLock)
        {
            left += _digest.Count;
            _digest.Clear();
        }
        if (left > 0)
        {
            Interlocked.Add(ref _pending, -left);
            _logger.LogWarning("Action {Action} of jail {Jail} stopped with {Left} notices not delivered", Name, _jail, left);
        }
        Interlocked.Exchange(ref _progress, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private async Task DeliverAsync(Notice notice, CancellationToken token)
    {
        var what = notice.Describe();
        for (var attempt = 1; ; attempt++)
        {
            var result = await _notifier.SendAsync(notice, token);
            if (result.Error is null)
            {
                Interlocked.Increment(ref _succeeded);
                return;
            }
            Volatile.Write(ref _lastError, new ErrorNote($"{what}: {result.Error}", _time.GetUtcNow()));
            if (result.Permanent || attempt >= _retry.MaxAttempts || token.IsCancellationRequested)
            {
                GiveUp(what, attempt, result.Error);
                return;
            }
            Interlocked.Increment(ref _retrying);
            var delay = _retry.DelayAfter(attempt);
            _logger.LogWarning("Action {Action} of jail {Jail}: {What} failed (attempt {Attempt} of {Max}), retrying in {Delay}: {Error}",
                Name, _jail, what, attempt, _retry.MaxAttempts, delay, result.Error);
            try
            {
                await Task.Delay(delay, _time, token);
            }
            catch (OperationCanceledException)
            {
                GiveUp(what, attempt, result.Error);
                return;
            }
        }
    }

    private void GiveUp(string what, int attempts, string error)
    {
        Interlocked.Increment(ref _failed);
        _logger.LogError("Action {Action} of jail {Jail}: {What} failed after {Attempts} attempts, giving up: {Error}",
            Name, _jail, what, attempts, error);
    }

    private sealed record ErrorNote(string Text, DateTimeOffset At);
}
