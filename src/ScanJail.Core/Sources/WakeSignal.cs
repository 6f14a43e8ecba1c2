namespace ScanJail.Core.Sources;

/// <summary>
/// An async auto-reset event: watchers and timers set it from any thread; the read loop calls
/// <see cref="Reset"/> before it reads and <see cref="WaitAsync"/> after, so a wake-up that arrives
/// while it reads is never lost (it makes the next wait return at once). <see cref="Set"/> continues
/// a waiting loop on the thread pool; <see cref="SetInline"/> continues it on the calling thread,
/// for a thread of our own (the inotify reader) that has nothing else to do meanwhile.
/// </summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource _next = new();

    /// <summary>From any thread, timers too (timers that fall due together fire one after another on one thread: none may read files).</summary>
    public void Set()
    {
        var current = Volatile.Read(ref _next);
        if (!current.Task.IsCompleted)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.TrySetResult(), current, preferLocal: false);
        }
    }

    /// <summary>The waiting loop runs on this thread until its next wait.</summary>
    public void SetInline() => Volatile.Read(ref _next).TrySetResult();

    public void Reset()
    {
        var current = Volatile.Read(ref _next);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _next, new TaskCompletionSource(), current);
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => Volatile.Read(ref _next).Task.WaitAsync(cancellationToken);
}
