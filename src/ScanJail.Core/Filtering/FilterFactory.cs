using ScanJail.Core.Configuration;

namespace ScanJail.Core.Filtering;

// OWNER: filtering helper.
public static class FilterFactory
{
    /// <summary>
    /// Builds the live filter with <paramref name="parameters"/> applied over the definition's defaults.
    /// Every problem (bad regex, missing HOST, unknown parameter, unknown grammar) goes to <paramref name="errors"/>
    /// with the filter file's line; returns null if any.
    /// </summary>
    public static IFilter? Create(FilterDefinition definition, IReadOnlyDictionary<string, string> parameters, ConfigErrors errors, string? jail, FilterOptions? options = null)
        => throw new NotImplementedException();
}

/// <summary>How a filter reads times: the zone of time stamps that carry none (default: the machine's).</summary>
public sealed record FilterOptions(TimeZoneInfo? Zone = null, TimeSpan? RegexTimeout = null);
