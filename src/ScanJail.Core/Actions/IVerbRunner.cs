using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

/// <summary>What one kind of action does for a verb; the queue around it orders, retries and counts.</summary>
internal interface IVerbRunner
{
    /// <summary>How many steps (commands) the verb has; 0 means there is nothing to do.</summary>
    int Steps(ActionVerb verb);

    /// <summary>
    /// Runs the verb's steps from <paramref name="fromStep"/> on, stopping at the first failure, so that a
    /// retry resumes at the step that failed instead of repeating the ones that worked.
    /// </summary>
    Task<VerbResult> RunAsync(ActionVerb verb, Ban? ban, int fromStep, CancellationToken cancellationToken);

    /// <summary>True when bans and unbans are lines written to a kept-open process (cheap enough to start on the queuing thread).</summary>
    bool WritesToSession => false;

    /// <summary>
    /// True when an item's work up to its first wait is short enough to run on the thread that queues it
    /// while the queue is idle: a line written to a kept-open process, or a command started with
    /// posix_spawn (which returns once the command runs; the wait for its exit continues on the pool).
    /// </summary>
    bool StartsOnQueuingThread => WritesToSession;

    /// <summary>True when <paramref name="verb"/> takes many bans in one run (<see cref="RunBatchAsync"/>).</summary>
    bool CanBatch(ActionVerb verb) => false;

    /// <summary>Runs <paramref name="verb"/> for every ban at once (one transaction where the tool has them); all or nothing is retried.</summary>
    async Task<VerbResult> RunBatchAsync(ActionVerb verb, IReadOnlyList<Ban> bans, CancellationToken cancellationToken)
    {
        foreach (var ban in bans)
        {
            var result = await RunAsync(verb, ban, 0, cancellationToken);
            if (result.Error is not null)
            {
                return result;
            }
        }
        return VerbResult.Done;
    }
}

/// <summary><see cref="Error"/> is null when every step worked; else the step that failed and why.</summary>
internal readonly record struct VerbResult(int FailedStep, string? Error)
{
    public static VerbResult Done => new(0, null);
}
