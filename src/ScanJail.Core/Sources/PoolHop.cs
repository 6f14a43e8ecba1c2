using System.Runtime.CompilerServices;

namespace ScanJail.Core.Sources;

/// <summary>
/// <c>await new PoolHop()</c> continues on a pool thread, queued where any idle worker takes it. On a
/// pool thread <c>Task.Yield</c> queues to that thread's own local queue, where the continuation waits
/// until the thread returns to the pool or another worker steals it: a reader and a router each busy
/// on its own thread would then wait for each other instead of running side by side.
/// </summary>
internal readonly struct PoolHop : ICriticalNotifyCompletion
{
    public bool IsCompleted => false;

    public PoolHop GetAwaiter() => this;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => ThreadPool.QueueUserWorkItem(static c => c(), continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) => ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
}
