namespace ScanJail.Core.Actions;

/// <summary>
/// How a failed verb is retried: after the n-th failed attempt the queue waits
/// <c>min(FirstDelay * 2^(n-1), MaxDelay)</c>, and gives up after <see cref="MaxAttempts"/> attempts.
/// </summary>
public sealed record ActionRetryOptions(TimeSpan FirstDelay, TimeSpan MaxDelay, int MaxAttempts)
{
    /// <summary>1 s, 2 s, 4 s ... capped at 60 s, 8 attempts in all (about two and a half minutes).</summary>
    public static ActionRetryOptions Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 8);

    public TimeSpan DelayAfter(int failedAttempts)
    {
        var factor = Math.Pow(2, Math.Clamp(failedAttempts - 1, 0, 40));
        var ticks = Math.Min(FirstDelay.Ticks * factor, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)Math.Max(ticks, 0));
    }
}
