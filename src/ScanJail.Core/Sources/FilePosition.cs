namespace ScanJail.Core.Sources;

/// <summary>Where a file source stands: the file's identity (device and inode) and the byte offset of the next unread line.</summary>
public sealed record FilePosition(string Path, ulong Device, ulong Inode, long Offset);

/// <summary>Keeps file positions across restarts (SQLite in the engine).</summary>
public interface IPositionStore
{
    FilePosition? Load(string path);

    void Save(FilePosition position);
}
