namespace ScanJail.Core.Filtering;

/// <summary>See <see cref="ReaderMatch"/>. Declined is the default: a reader that is not sure says nothing.</summary>
internal enum ReaderOutcome
{
    Declined,
    Missed,
    Matched,
}
