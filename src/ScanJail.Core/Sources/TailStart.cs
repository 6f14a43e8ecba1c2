namespace ScanJail.Core.Sources;

/// <summary>
/// Where a tail begins the first time it opens its file. A saved position of the same file wins;
/// a saved position of another file (rotated while the engine was down) means "from the start";
/// without one, <paramref name="FromStart"/> says start or end.
/// </summary>
internal sealed record TailStart(FilePosition? Saved, bool FromStart);
