namespace ScanJail.Listener.Detection;

/// <summary>The output rate bound: <see cref="Burst"/> lines at once, then <see cref="PerSecond"/> a second.</summary>
public sealed class TokenBucket
{
    private double _tokens;
    private DateTimeOffset _last;

    public TokenBucket(int perSecond, int burst, DateTimeOffset now)
    {
        PerSecond = perSecond;
        Burst = burst;
        _tokens = burst;
        _last = now;
    }

    public int PerSecond { get; }

    public int Burst { get; }

    public bool TryTake(DateTimeOffset now)
    {
        var elapsed = (now - _last).TotalSeconds;
        if (elapsed > 0)
        {
            _tokens = Math.Min(Burst, _tokens + (elapsed * PerSecond));
            _last = now;
        }
        if (_tokens < 1)
        {
            return false;
        }
        _tokens--;
        return true;
    }
}
