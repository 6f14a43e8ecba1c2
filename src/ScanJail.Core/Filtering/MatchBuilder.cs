using System.Collections.Frozen;
using ScanJail.Core.Net;

namespace ScanJail.Core.Filtering;

/// <summary>Turns what a filter captured into a <see cref="FilterResult"/>: the host parsed strictly, fields copied.</summary>
internal static class MatchBuilder
{
    private static readonly IReadOnlyDictionary<string, string> NoFields = FrozenDictionary<string, string>.Empty;

    public static FilterResult Matched(string host, DateTimeOffset time, IReadOnlyDictionary<string, string>? fields)
    {
        // Only a real IP address leaves the filter as an address; a name stays text for the tester.
        var address = AddressParser.TryParse(host.AsSpan(), out var parsed) ? parsed : null;
        return new FilterResult(MatchOutcome.Matched, address, host, time, fields is { Count: > 0 } ? fields : NoFields);
    }
}
