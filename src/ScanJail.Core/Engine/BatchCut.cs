namespace ScanJail.Core.Engine;

/// <summary>
/// When the engine loop ends its batch and commits: after <see cref="MaxMessages"/> messages or
/// <see cref="MaxTime"/>, and in live mode once a ban was made and <see cref="MaxTimeAfterBan"/> has
/// passed. Under a flood a batch runs its full 5 ms (and a checkpoint of thousands of rows after it):
/// a ban from a quiet log, handled within one turn of the lanes, then waited for all of it before its
/// action could run. A replay keeps whole batches: there bans come by the thousand and share commits.
/// </summary>
internal static class BatchCut
{
    public const int MaxMessages = 1024;

    public static readonly TimeSpan MaxTime = TimeSpan.FromMilliseconds(5);

    public static readonly TimeSpan MaxTimeAfterBan = TimeSpan.FromMilliseconds(1);

    public static bool Ends(int handled, TimeSpan elapsed, bool banned, bool replay) =>
        handled >= MaxMessages || elapsed >= MaxTime || (banned && !replay && elapsed >= MaxTimeAfterBan);

    /// <summary>
    /// The end-of-batch checkpoint waits for the next batch when this one made a ban in live mode: the ban goes
    /// first. A replay leaves checkpoints to the timer (about one a second, the same loss bound as live): the
    /// count-based one exists to spread a live flood's rows between bans, and on a replay of a log with more
    /// addresses than a checkpoint's failures it wrote a row per failure (a third of the loop's time).
    /// </summary>
    public static bool Checkpoints(int failuresSinceCheckpoint, int every, bool banned, bool replay) =>
        !replay && failuresSinceCheckpoint >= every && !banned;
}
