using System.Net;

namespace ScanJail.Core.Filtering;

/// <summary>Turns one log line into a failure (address, time, named fields) or nothing. Thread-safe.</summary>
public interface IFilter
{
    string Name { get; }

    /// <param name="line">The log line; attacker-controlled text.</param>
    /// <param name="now">The reading time: the time of a line without a timestamp, and the reference for year-less ones.</param>
    FilterResult Match(string line, DateTimeOffset now);

    /// <summary>
    /// The same answer as <see cref="Match(string, DateTimeOffset)"/> for the line in <paramref name="line"/>:
    /// a file source's lines come as characters in a reused buffer, and a filter that can answer without a
    /// string (a precheck miss, a hand-written reader) saves one per line. By default it makes the string.
    /// </summary>
    FilterResult Match(ReadOnlySpan<char> line, DateTimeOffset now) => Match(line.ToString(), now);

    /// <summary>
    /// True when a line's result depends on that line alone (no state carried between lines), so
    /// lines may be filtered on several threads at once and their results put back in order.
    /// </summary>
    bool LinesIndependent => false;

    /// <summary>
    /// When not null: a line that contains none of these texts (ordinal) is missed by this filter, whatever
    /// else it holds (its precheck), so a source may leave such lines undecoded. Null: any line may match.
    /// </summary>
    IReadOnlyList<string>? RequiredLiterals => null;

    /// <summary>Builds whatever the filter would otherwise build on first use (compiled regexes).</summary>
    void Prepare()
    {
    }
}

public enum MatchOutcome
{
    Missed,
    Matched,
    Ignored,
}

/// <summary>
/// The outcome for one line. When matched, <see cref="RawHost"/> is what the filter captured and
/// <see cref="Address"/> is that text parsed as an IP address (IPv4-mapped IPv6 folded to IPv4), or
/// null when it is not an address: such a match never becomes a failure.
/// </summary>
public readonly record struct FilterResult(
    MatchOutcome Outcome,
    IPAddress? Address,
    string? RawHost,
    DateTimeOffset? Time,
    IReadOnlyDictionary<string, string>? Fields)
{
    public static FilterResult Missed => default;

    public static FilterResult Ignored => new(MatchOutcome.Ignored, null, null, null, null);
}
