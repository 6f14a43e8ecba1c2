using Microsoft.Extensions.Logging;

namespace ScanJail.Core.Sources;

/// <summary>
/// One inotify watch (FileSystemWatcher) per directory holding followed files. An event about a
/// file whose name could be followed wakes the read loop at once; the loop's polling timer covers
/// whatever inotify misses (queue overflow, network file systems, no watch possible).
/// </summary>
internal sealed class DirectoryWatchers(Func<string, bool> isFollowedName, Action<bool> wake, ILogger logger) : IDisposable
{
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);

    /// <summary>Watches exactly <paramref name="directories"/>: new ones are added, gone ones dropped.</summary>
    public void Update(IEnumerable<string> directories)
    {
        var wanted = directories.Select(d => Path.GetFullPath(d.Length == 0 ? "." : d)).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _watchers.Keys.Where(d => !wanted.Contains(d)).ToList())
        {
            _watchers[gone].Dispose();
            _watchers.Remove(gone);
        }

        foreach (var directory in wanted.Where(d => !_watchers.ContainsKey(d)))
        {
            TryWatch(directory);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers.Values)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
    }

    private void TryWatch(string directory)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
                IncludeSubdirectories = false,
            };
            watcher.Changed += (_, e) => OnEvent(e.Name, structural: false);
            watcher.Created += (_, e) => OnEvent(e.Name, structural: true);
            watcher.Deleted += (_, e) => OnEvent(e.Name, structural: true);
            watcher.Renamed += (_, e) =>
            {
                OnEvent(e.OldName, structural: true);
                OnEvent(e.Name, structural: true);
            };
            watcher.Error += (_, _) => wake(true);
            watcher.EnableRaisingEvents = true;
            _watchers[directory] = watcher;
            _failed.Remove(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            watcher?.Dispose();
            // Polling still follows the files; say so once per directory, not at every rescan.
            if (_failed.Add(directory))
            {
                logger.CannotWatch(directory, e.Message);
            }
        }
    }

    private void OnEvent(string? name, bool structural)
    {
        if (name is not null && isFollowedName(name))
        {
            wake(structural);
        }
    }
}
