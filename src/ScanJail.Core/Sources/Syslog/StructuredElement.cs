namespace ScanJail.Core.Sources.Syslog;

/// <summary>One RFC 5424 structured-data element: <c>[id name="value" ...]</c>, values unescaped.</summary>
public sealed record StructuredElement(string Id, IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    public bool Equals(StructuredElement? other) =>
        other is not null && Id == other.Id && Parameters.SequenceEqual(other.Parameters);

    public override int GetHashCode() => HashCode.Combine(Id, Parameters.Count);
}
