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
}

/// <summary><see cref="Error"/> is null when every step worked; else the step that failed and why.</summary>
internal readonly record struct VerbResult(int FailedStep, string? Error)
{
    public static VerbResult Done => new(0, null);
}
