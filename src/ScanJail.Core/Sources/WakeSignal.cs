namespace ScanJail.Core.Sources;

/// <summary>
/// An async auto-reset event: watchers and timers <see cref="Set"/> it from any thread; the read loop
/// calls <see cref="Reset"/> before it reads and <see cref="WaitAsync"/> after, so a wake-up that
/// arrives while it reads is never lost (it makes the next wait return at once).
/// </summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Volatile.Read(ref _next).TrySetResult();

    public void Reset()
    {
        var current = Volatile.Read(ref _next);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => Volatile.Read(ref _next).Task.WaitAsync(cancellationToken);
}
