namespace ScanJail.Core.Time;

// OWNER: configuration helper. Sprache grammar for 30s, 10m, 1h30m, 2d, 1w (and plain seconds).
public static class DurationGrammar
{
    public static bool TryParse(string? text, out TimeSpan duration) => throw new NotImplementedException();
}
