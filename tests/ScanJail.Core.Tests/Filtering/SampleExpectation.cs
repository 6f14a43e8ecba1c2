using System.Text.Json;

namespace ScanJail.Core.Tests.Filtering;

/// <summary>One <c># expect: {...}</c> annotation of a sample log.</summary>
internal sealed record SampleExpectation(string? Host, bool AddressGiven, string? Address, DateTimeOffset? Time, IReadOnlyDictionary<string, string> Fields)
{
    public static SampleExpectation Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("match", out var match) || !match.GetBoolean())
        {
            throw new FormatException($"an expect annotation must say \"match\": true: {json}");
        }
        var host = root.TryGetProperty("host", out var h) ? h.GetString() : null;
        var addressGiven = root.TryGetProperty("address", out var a);
        var time = root.TryGetProperty("time", out var t) ? DateTimeOffset.Parse(t.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("fields", out var f))
        {
            foreach (var p in f.EnumerateObject())
            {
                fields[p.Name] = p.Value.GetString()!;
            }
        }
        return new SampleExpectation(host, addressGiven, addressGiven ? a.GetString() : null, time, fields);
    }
}
