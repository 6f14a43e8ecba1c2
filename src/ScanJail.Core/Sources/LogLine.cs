namespace ScanJail.Core.Sources;

/// <summary>
/// One line of log text as a source read it. <paramref name="Text"/> is attacker input.
/// <paramref name="Position"/> is where the source stands after this line (file sources only),
/// saved by the engine once the line has been counted, so a restart neither misses nor repeats it.
/// <paramref name="Origin"/> is the host that sent it, for network sources.
/// </summary>
public sealed record LogLine(string Text, string Source, DateTimeOffset ReadAt, FilePosition? Position = null, string? Origin = null)
{
    private readonly FilePosition? _file = Position;
    private readonly long _end = -1;

    /// <summary>
    /// A line read from a file: <paramref name="file"/> (the file's identity) is shared by every line of the
    /// reader and the offset after this line is kept apart, so a line costs no position object until one is
    /// asked for. Most lines never are: the router takes the position of the lines it hands on only.
    /// </summary>
    internal LogLine(string text, string source, DateTimeOffset readAt, FilePosition file, long end)
        : this(text, source, readAt, file) => _end = end;

    public FilePosition? Position
    {
        get => PositionOf(_file, _end);
        init => _file = value;
    }

    /// <summary>
    /// True for a line the source left undecoded (its <see cref="Text"/> is empty) because no filter that
    /// reads the source can match it (<see cref="LineScreen"/>): it counts as read and missed.
    /// </summary>
    internal bool Screened { get; init; }

    /// <summary>The file identity <see cref="Position"/> is made from, without making a position (the router keeps the pair).</summary>
    internal FilePosition? PositionFile => _file;

    /// <summary>The offset after this line when it differs from <see cref="PositionFile"/>'s; -1 when the position is <see cref="PositionFile"/> itself.</summary>
    internal long PositionEnd => _end;

    /// <summary>The position <paramref name="file"/>'s identity at <paramref name="end"/> (-1: <paramref name="file"/> itself).</summary>
    internal static FilePosition? PositionOf(FilePosition? file, long end) =>
        end < 0 || file is null || file.Offset == end ? file : file with { Offset = end };

    /// <summary>Whether <see cref="Position"/> is set, without making one.</summary>
    public bool HasPosition => _file is not null;
}
