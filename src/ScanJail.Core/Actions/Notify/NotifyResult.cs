namespace ScanJail.Core.Actions.Notify;

/// <summary>
/// <see cref="Error"/> is null when delivered. <see cref="Permanent"/>: trying again cannot help (the
/// message itself is unusable), so the queue gives up at once instead of backing off.
/// </summary>
internal readonly record struct NotifyResult(string? Error, bool Permanent = false)
{
    public static NotifyResult Delivered => new(null);

    public static NotifyResult Failed(string error) => new(error);

    public static NotifyResult Refused(string error) => new(error, Permanent: true);
}
