using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

/// <summary>
/// A live action of one jail with its own queue: <see cref="Enqueue"/> never blocks and never
/// throws, so a slow action never delays another. A failing verb is retried with backoff; its
/// failure shows in <see cref="Health"/>. The ban itself is already recorded before any action runs.
/// </summary>
public interface IJailAction : IAsyncDisposable
{
    string Name { get; }

    /// <param name="ban">The ban for ban and unban; null for start, stop, check and flush.</param>
    void Enqueue(ActionVerb verb, Ban? ban);

    ActionHealth Health { get; }

    /// <summary>Waits until everything queued so far has run (or given up), for an orderly stop.</summary>
    Task DrainAsync(CancellationToken cancellationToken);
}

/// <summary>
/// An action's record for <c>status</c> and <c>stats</c>. <c>Dropped</c>: items a bounded queue (webhook, mail)
/// threw away, oldest first, rather than growing without limit.
/// </summary>
public sealed record ActionHealth(
    string Action,
    long Succeeded,
    long Failed,
    long Retrying,
    int Pending,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    long Dropped = 0);
