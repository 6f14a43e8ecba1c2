using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ScanJail.Core.Engine;

/// <summary>
/// The engine loop's inbox: one bounded lane per source (keyed by file path, or by jail for sources
/// without positions) and an unbounded lane for loop work (control commands, timers), read fairly. A
/// source that floods the loop (100,000 lines a second) fills only its own lane and then waits, its
/// backlog staying in its file; a ban from a quiet source, or a control command, is handled after at
/// most one turn of the other lanes instead of after the flood's whole backlog. Order is kept within a
/// lane, which is all the loop needs: a source's positions travel behind its own failures.
/// </summary>
internal sealed class EngineInbox : IDisposable
{
    /// <summary>
    /// Messages a lane holds before its writer waits (each may carry up to 256 failures, so 4,096 in all).
    /// Small on purpose: what waits here outlives the GC's young generation, and at 1,024 messages a replay
    /// kept up to 260,000 failures with their lines in flight, so most collections were of the older
    /// generation (bench: 57 of 64 collections, 2.7 s paused per million lines; at 16: 40 and 1.5 s).
    /// The backlog waits in its file instead.
    /// </summary>
    public const int LaneCapacity = 16;

    /// <summary>Messages taken from one lane before the next lane's turn.</summary>
    private const int Turn = 16;

    private readonly ConcurrentQueue<EngineMessage> _work = new();
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    // Rung by every write; the loop resets it before it drains, so a write during the drain wakes the next wait.
    private readonly ManualResetEventSlim _doorbell = new(false);
    private readonly List<Lane> _order = [];
    private int _next;
    private int _taken;
    private volatile bool _completed;

    public EngineInbox()
    {
        Writer = new LaneWriter(this, runsLoop: false);
        WriterRunningLoop = new LaneWriter(this, runsLoop: true);
    }

    /// <summary>
    /// Set by the engine: handles what waits, on the calling thread, if no other thread is handling it now;
    /// false when the loop's thread (or this very thread, further up its stack) is at it.
    /// </summary>
    public Func<bool>? RunHere { get; set; }

    /// <summary>What sources and routers write to: each message goes to its lane.</summary>
    public ChannelWriter<EngineMessage> Writer { get; }

    /// <summary>
    /// The same lanes for the routers that may run on a source's own thread (a datagram receiver's; a file
    /// source's, on its inotify thread at the end of a read): when the loop is idle, that thread handles the
    /// message itself (<see cref="RunHere"/>) instead of waking the loop's thread, a hop of 0.05 to 0.1 ms on
    /// an idle core and milliseconds on a busy one, on the way from a scan or a log line to its ban. When the
    /// loop is busy, or the writer is a pool thread, the message waits in its lane as with <see cref="Writer"/>.
    /// </summary>
    public ChannelWriter<EngineMessage> WriterRunningLoop { get; }

    /// <summary>Queues loop work (never waits, never refused before <see cref="Complete"/>).</summary>
    public bool TryPost(LoopWork work)
    {
        if (_completed)
        {
            return false;
        }
        _work.Enqueue(work);
        _doorbell.Set();
        return true;
    }

    /// <summary>No more messages will come; the loop ends once every lane is empty.</summary>
    public void Complete()
    {
        _completed = true;
        _doorbell.Set();
    }

    /// <summary>Called once the loop has ended.</summary>
    public void Dispose() => _doorbell.Dispose();

    /// <summary>Blocks the loop's thread until a message may be waiting; false once completed and empty.</summary>
    public bool WaitToRead()
    {
        while (true)
        {
            _doorbell.Reset();
            if (!IsEmpty)
            {
                return true;
            }
            if (_completed)
            {
                return !IsEmpty;
            }
            _doorbell.Wait();
        }
    }

    /// <summary>Loop work first, then the lanes in turn, <see cref="Turn"/> messages each. Called by the loop only.</summary>
    public bool TryRead(out EngineMessage message)
    {
        if (_work.TryDequeue(out message!))
        {
            return true;
        }
        lock (_order)
        {
            var count = _order.Count;
            // The current lane until its turn is used up, then each other lane once.
            for (var tried = 0; tried <= count && count > 0; tried++)
            {
                if (_taken >= Turn)
                {
                    _next = (_next + 1) % count;
                    _taken = 0;
                }
                var lane = _order[_next];
                if (lane.Queue.TryDequeue(out message!))
                {
                    _taken++;
                    lane.Room.Release();
                    return true;
                }
                _taken = Turn; // empty: on to the next lane
            }
        }
        message = null!;
        return false;
    }

    public bool IsEmpty
    {
        get
        {
            if (!_work.IsEmpty)
            {
                return false;
            }
            lock (_order)
            {
                foreach (var lane in _order)
                {
                    if (!lane.Queue.IsEmpty)
                    {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private Lane LaneOf(EngineMessage message)
    {
        var key = message switch
        {
            FailuresFound { Position: { } p } => p.Path,
            FailuresFound { Failures.Count: > 0 } f => "jail:" + f.Failures[0].Jail,
            FailureFound { Position: { } p } => p.Path,
            PositionReached reached => reached.Position.Path,
            _ => "",
        };
        if (_lanes.TryGetValue(key, out var lane))
        {
            return lane;
        }
        lock (_order)
        {
            lane = _lanes.GetOrAdd(key, _ => new Lane());
            if (!_order.Contains(lane))
            {
                _order.Add(lane);
            }
            return lane;
        }
    }

    private void Add(Lane lane, EngineMessage message, bool runsLoop)
    {
        lane.Queue.Enqueue(message);
        // Only a source's own thread (a datagram receiver, a file source's inotify reader) takes the loop's work;
        // a router on the pool, busy with a flood, leaves it to the loop's thread and goes on routing.
        if (runsLoop && !Thread.CurrentThread.IsThreadPoolThread && RunHere is { } run && run() && IsEmpty)
        {
            // Handled here; the loop's thread sleeps on. What a cut batch left, or others wrote, rings below.
            return;
        }
        _doorbell.Set();
    }

    private sealed class Lane
    {
        public ConcurrentQueue<EngineMessage> Queue { get; } = new();
        public SemaphoreSlim Room { get; } = new(LaneCapacity, LaneCapacity);
    }

    private sealed class LaneWriter(EngineInbox inbox, bool runsLoop) : ChannelWriter<EngineMessage>
    {
        public override bool TryWrite(EngineMessage item)
        {
            if (item is LoopWork work)
            {
                return inbox.TryPost(work);
            }
            var lane = inbox.LaneOf(item);
            if (inbox._completed || !lane.Room.Wait(0))
            {
                return false;
            }
            inbox.Add(lane, item, runsLoop);
            return true;
        }

        public override async ValueTask WriteAsync(EngineMessage item, CancellationToken cancellationToken = default)
        {
            if (item is LoopWork work)
            {
                if (!inbox.TryPost(work))
                {
                    throw new ChannelClosedException();
                }
                return;
            }
            var lane = inbox.LaneOf(item);
            await lane.Room.WaitAsync(cancellationToken);
            if (inbox._completed)
            {
                lane.Room.Release();
                throw new ChannelClosedException();
            }
            inbox.Add(lane, item, runsLoop);
        }

        // Which lane has room depends on the message: WriteAsync waits on the right one.
        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(!inbox._completed);

        public override bool TryComplete(Exception? error = null)
        {
            inbox.Complete();
            return true;
        }
    }
}
