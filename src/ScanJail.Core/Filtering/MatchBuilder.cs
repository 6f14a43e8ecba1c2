using System.Collections.Frozen;
using ScanJail.Core.Net;
using System.Runtime.CompilerServices;

namespace ScanJail.Core.Filtering;

/// <summary>Turns what a filter captured into a <see cref="FilterResult"/>: the host parsed strictly, fields copied.</summary>
internal static class MatchBuilder
{
    private static readonly IReadOnlyDictionary<string, string> NoFields = FrozenDictionary<string, string>.Empty;

    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static FilterResult Matched(string host, DateTimeOffset time, IReadOnlyDictionary<string, string>? fields)
    {
        // Only a real IP address leaves the filter as an address; a name stays text for the tester.
        var address = AddressParser.TryParse(host.AsSpan(), out var parsed) ? parsed : null;
        return new FilterResult(MatchOutcome.Matched, address, host, time, fields is { Count: > 0 } ? fields : NoFields);
    }
}
