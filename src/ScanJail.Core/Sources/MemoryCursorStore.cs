using System.Collections.Concurrent;

namespace ScanJail.Core.Sources;

/// <summary>Cursors kept for the life of the process only: for an engine built without a database.</summary>
public sealed class MemoryCursorStore : ICursorStore
{
    private readonly ConcurrentDictionary<string, string> _cursors = new(StringComparer.Ordinal);

    public string? LoadCursor(string key) => _cursors.GetValueOrDefault(key);

    public void SaveCursor(string key, string cursor) => _cursors[key] = cursor;
}
