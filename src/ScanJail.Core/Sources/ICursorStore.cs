namespace ScanJail.Core.Sources;

/// <summary>Keeps journal cursors across restarts (SQLite in the engine), by source key.</summary>
public interface ICursorStore
{
    string? LoadCursor(string key);

    void SaveCursor(string key, string cursor);
}
