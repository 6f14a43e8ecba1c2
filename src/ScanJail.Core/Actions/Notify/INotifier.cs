namespace ScanJail.Core.Actions.Notify;

/// <summary>
/// Delivers one notice (a mail, a webhook call). The <see cref="NotifyAction"/> around it queues,
/// retries with backoff and counts; a notifier only tries once.
/// </summary>
internal interface INotifier
{
    /// <summary>Whether this notifier has anything to send for <paramref name="verb"/> (a mail action ignores unbans).</summary>
    bool Handles(ActionVerb verb);

    Task<NotifyResult> SendAsync(Notice notice, CancellationToken cancellationToken);
}
