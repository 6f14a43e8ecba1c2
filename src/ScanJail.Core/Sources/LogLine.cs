namespace ScanJail.Core.Sources;

/// <summary>
/// One line of log text as a source read it. <paramref name="Text"/> is attacker input.
/// <paramref name="Position"/> is where the source stands after this line (file sources only),
/// saved by the engine once the line has been counted, so a restart neither misses nor repeats it.
/// <paramref name="Origin"/> is the host that sent it, for network sources.
/// </summary>
public sealed record LogLine(string Text, string Source, DateTimeOffset ReadAt, FilePosition? Position = null, string? Origin = null);
