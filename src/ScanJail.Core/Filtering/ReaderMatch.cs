namespace ScanJail.Core.Filtering;

/// <summary>
/// What a hand-written message reader (<see cref="OpenSshReader"/>) made of a line: <see cref="ReaderOutcome.Declined"/>
/// (it did not read the line whole: the regexes decide), a miss, or the failregex that matches
/// (<paramref name="Pattern"/>, its index) with the positions of its captures in the line.
/// </summary>
internal readonly record struct ReaderMatch(ReaderOutcome Outcome, int Pattern, Range Host, Range? User, Range? Port)
{
    public static ReaderMatch Declined => default;

    public static ReaderMatch Missed => new(ReaderOutcome.Missed, -1, default, null, null);
}
