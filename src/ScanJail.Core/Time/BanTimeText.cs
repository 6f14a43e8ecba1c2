namespace ScanJail.Core.Time;

/// <summary>
/// A ban length as written in a jail or on the client's command line: a duration
/// (see <see cref="DurationGrammar"/>), or <c>permanent</c> / <c>-1</c> for a ban that never ends.
/// </summary>
public static class BanTimeText
{
    public const string PermanentWord = "permanent";

    /// <param name="text">The text to read.</param>
    /// <param name="duration">The length, or null for a permanent ban.</param>
    /// <returns>False when the text is neither a duration nor a permanent marker. Never throws.</returns>
    public static bool TryParse(string? text, out TimeSpan? duration)
    {
        duration = null;
        var trimmed = text?.Trim();
        if (trimmed is PermanentWord or "-1")
        {
            return true;
        }
        if (DurationGrammar.TryParse(text, out var value))
        {
            duration = value;
            return true;
        }
        return false;
    }

    /// <summary>The inverse of <see cref="TryParse"/>: <c>permanent</c> for null, else the duration.</summary>
    public static string Format(TimeSpan? duration) => duration is { } d ? DurationText.Format(d) : PermanentWord;
}
