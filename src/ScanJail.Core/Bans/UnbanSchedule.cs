using System.Net;

namespace ScanJail.Core.Bans;

/// <summary>
/// Ban expiries in time order with one timer for the earliest (DESIGN.md's UnbanQueue). The timer
/// only signals; the owner calls <see cref="TakeDue"/> on its own loop and checks each entry against
/// its book (a ban may have been lifted or extended meanwhile).
/// </summary>
public sealed class UnbanSchedule(TimeProvider time, Action onDue) : IDisposable
{
    private readonly PriorityQueue<(string Jail, IPAddress Address, DateTimeOffset End), DateTimeOffset> _queue = new();
    private readonly ITimer _timer = time.CreateTimer(_ => onDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public int Count => _queue.Count;

    public void Add(Ban ban)
    {
        if (ban.End is not { } end)
        {
            return;
        }
        _queue.Enqueue((ban.Jail, ban.Address, end), end);
        Rearm();
    }

    /// <summary>Adds many bans with one re-arm of the timer (a restart restores 100,000 at once).</summary>
    public void AddRange(IEnumerable<Ban> bans)
    {
        foreach (var ban in bans)
        {
            if (ban.End is { } end)
            {
                _queue.Enqueue((ban.Jail, ban.Address, end), end);
            }
        }
        Rearm();
    }

    /// <summary>Entries whose time has come, earliest first; re-arms the timer for the rest.</summary>
    public List<(string Jail, IPAddress Address, DateTimeOffset End)> TakeDue()
    {
        var now = time.GetUtcNow();
        var due = new List<(string, IPAddress, DateTimeOffset)>();
        while (_queue.TryPeek(out var entry, out var at) && at <= now)
        {
            _queue.Dequeue();
            due.Add(entry);
        }
        Rearm();
        return due;
    }

    private void Rearm()
    {
        if (!_queue.TryPeek(out _, out var at))
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var wait = at - time.GetUtcNow();
        _timer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer.Dispose();
}
