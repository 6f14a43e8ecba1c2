using Microsoft.Extensions.Logging;

namespace ScanJail.Core.Sources;

/// <summary>
/// Follows one path across rotations. The current reader follows the file the path names; when the
/// path names another file (rename-and-create, delete-and-recreate) the old reader is retired but
/// kept open and read until it has been quiet for <see cref="RetiredQuiet"/> (a writer may still
/// append to it until it reopens), while the new file is read from its start. A file shorter than
/// what was read (copytruncate) is read again from 0.
/// </summary>
internal sealed class FileTail(string path, TailStart start, ILogger logger) : IDisposable
{
    /// <summary>How long a rotated-away file must stay unchanged before its handle is closed.</summary>
    public static readonly TimeSpan RetiredQuiet = TimeSpan.FromSeconds(30);

    private const int MaxRetired = 4;

    private readonly List<FileReader> _retired = [];
    private FileReader? _current;
    private bool _opened;
    private bool _checked;
    private bool _fromStart = start.FromStart;
    private bool _warnedMissing;
    private bool _failing;

    public string Path => path;

    /// <summary>True when nothing is open and the path is gone: a glob may forget this tail.</summary>
    public bool IsIdle => _current is null && _retired.Count == 0;

    /// <summary>
    /// Opens the file, if it exists, and takes the start offset without reading a line: reading can wait
    /// on the engine (back-pressure), and the offset must be taken before the engine says it is ready,
    /// or lines appended in between would be skipped by a tail starting at the end.
    /// </summary>
    public void Begin(ReadContext context)
    {
        try
        {
            if (FileIdentity.TryOfPath(Path, out _, out var errno))
            {
                // A file rotated while the engine was down becomes a retired reader, read first by PumpAsync.
                if (_current is null)
                {
                    _ = Open(context);
                }
            }
            else if (FileIdentity.IsMissing(errno) && !_checked)
            {
                // Missing when the source starts: whatever appears later is new and read from its start.
                _fromStart = true;
                _checked = true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // PumpAsync meets the same error at once, and counts and logs it.
        }
    }

    /// <summary>Reads whatever is new in the rotated-away files, then in the current one.</summary>
    public async Task PumpAsync(ReadContext context, CancellationToken cancellationToken)
    {
        try
        {
            await PumpRetiredAsync(context, cancellationToken);
            await PumpCurrentAsync(context, cancellationToken);
            if (_failing)
            {
                _failing = false;
                logger.Recovered(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Permission denied, a vanished mount...: counted once per episode, retried at every wake-up.
            if (!_failing)
            {
                _failing = true;
                context.Counters.Errors.Increment();
                logger.CannotRead(path, e.Message);
            }
        }
    }

    /// <summary>
    /// Hands over a retired reader of <paramref name="identity"/> (a glob found the rotated file under a
    /// new name): the new tail continues at <paramref name="lineEnd"/> instead of reading it again.
    /// </summary>
    public bool TryTakeRetired(FileIdentity identity, out long lineEnd)
    {
        var index = _retired.FindIndex(r => r.Identity == identity);
        if (index < 0)
        {
            lineEnd = 0;
            return false;
        }

        lineEnd = _retired[index].LineEnd;
        _retired[index].Dispose();
        _retired.RemoveAt(index);
        return true;
    }

    public void Dispose()
    {
        _current?.Dispose();
        foreach (var reader in _retired)
        {
            reader.Dispose();
        }

        _retired.Clear();
    }

    private async Task PumpRetiredAsync(ReadContext context, CancellationToken cancellationToken)
    {
        for (var i = 0; i < _retired.Count; i++)
        {
            var reader = _retired[i];
            // Lines of the old file carry the new file's position: the engine's saved position must
            // never step back to a file the path no longer names.
            var reportAs = _current?.Position;
            await reader.ReadAvailableAsync(context, reportAs, cancellationToken);
            var quiet = context.Time.GetElapsedTime(reader.LastDataTimestamp) >= RetiredQuiet;
            if (quiet || _retired.Count > MaxRetired)
            {
                // The writer has moved on: a last line without its newline will not be completed now.
                await reader.FlushPartialAsync(context, reportAs, cancellationToken);
                reader.Dispose();
                _retired.RemoveAt(i--);
            }
        }
    }

    private async Task PumpCurrentAsync(ReadContext context, CancellationToken cancellationToken)
    {
        var exists = FileIdentity.TryOfPath(Path, out var identity, out var errno);
        if (!exists && !FileIdentity.IsMissing(errno))
        {
            throw new IOException($"stat failed with errno {errno}");
        }

        if (_current is not null)
        {
            if (!exists || identity != _current.Identity)
            {
                await _current.ReadAvailableAsync(context, null, cancellationToken);
                _retired.Add(_current);
                _current = null;
                context.Counters.Rotations.Increment();
                logger.Rotated(path);
            }
            else if (_current.Length < _current.ReadOffset)
            {
                // copytruncate: the copy has the old lines; what was written between the copy and the
                // truncation is lost by copytruncate itself.
                await _current.FlushPartialAsync(context, null, cancellationToken);
                _current.Restart(0);
                context.Counters.Rotations.Increment();
                logger.Truncated(path);
            }
        }

        if (_current is null && exists && Open(context))
        {
            // The rest of the file rotated while the engine was down comes before the new file.
            await PumpRetiredAsync(context, cancellationToken);
        }

        if (_current is not null)
        {
            await _current.ReadAvailableAsync(context, null, cancellationToken);
        }
        else if (!exists)
        {
            NoteMissing();
        }
    }

    private void NoteMissing()
    {
        if (!_checked)
        {
            // Missing when the source starts: whatever appears later is new and read from its start.
            _fromStart = true;
        }

        _checked = true;
        if (!_opened && !_warnedMissing)
        {
            _warnedMissing = true;
            logger.Missing(path);
        }
    }

    // Opens the path and takes the start offset; returns whether the rest of a file rotated while the
    // engine was down was found and queued as a retired reader, to be read before the new file.
    private bool Open(ReadContext context)
    {
        FileReader reader;
        try
        {
            reader = FileReader.Open(Path, Path, context.Time);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false; // gone again between stat and open: the next wake-up sees it
        }

        _checked = true;
        _current = reader;
        if (_opened)
        {
            reader.Restart(0);
            return false;
        }

        _opened = true;
        if (_warnedMissing)
        {
            logger.Appeared(path);
        }

        var saved = start.Saved;
        if (saved is not null && saved.Device == reader.Identity.Device && saved.Inode == reader.Identity.Inode)
        {
            // Same file: resume, unless it was truncated while the engine was down.
            reader.Restart(saved.Offset <= reader.Length ? saved.Offset : 0);
        }
        else if (saved is not null)
        {
            reader.Restart(0);
            return FindRotatedWhileDown(saved, context);
        }
        else if (_fromStart)
        {
            reader.Restart(0);
        }
        else
        {
            reader.StartAt(reader.Length);
        }

        return false;
    }

    // The file read last time was rotated while the engine was down: if logrotate's default name
    // (path.1) still holds it, read its rest first so the lines written before the rotation count.
    private bool FindRotatedWhileDown(FilePosition saved, ReadContext context)
    {
        var rotatedPath = Path + ".1";
        if (!FileIdentity.TryOfPath(rotatedPath, out var identity, out _)
            || identity.Device != saved.Device || identity.Inode != saved.Inode)
        {
            return false;
        }

        FileReader rotated;
        try
        {
            rotated = FileReader.Open(Path, rotatedPath, context.Time);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.RotatedUnreadable(path, rotatedPath, e.Message);
            return false;
        }

        if (rotated.Identity != identity || saved.Offset > rotated.Length)
        {
            rotated.Dispose();
            return false;
        }

        rotated.Restart(saved.Offset);
        _retired.Add(rotated);
        context.Counters.Rotations.Increment();
        logger.RotatedWhileDown(path, rotatedPath);
        return true;
    }
}
