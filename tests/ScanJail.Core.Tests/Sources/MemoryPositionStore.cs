using System.Collections.Concurrent;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Sources;

/// <summary>
/// An in-memory IPositionStore: the real one is SQLite, built by another part of the engine; the
/// file source only needs Load and Save to behave like a dictionary.
/// </summary>
internal sealed class MemoryPositionStore : IPositionStore
{
    private readonly ConcurrentDictionary<string, FilePosition> _positions = new(StringComparer.Ordinal);

    public FilePosition? Load(string path) => _positions.TryGetValue(path, out var position) ? position : null;

    public void Save(FilePosition position) => _positions[position.Path] = position;
}
