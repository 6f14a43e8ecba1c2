namespace ScanJail.Core.Sources;

/// <summary>
/// A path whose segments may hold shell wildcards: <c>*</c>, <c>?</c> and <c>[...]</c> (with <c>!</c> or
/// <c>^</c> to negate and <c>a-z</c> ranges). As in the shell, a wildcard does not match a leading dot
/// unless the pattern segment starts with one, and <c>*</c> never crosses a <c>/</c>.
/// </summary>
internal sealed class FileGlob
{
    private readonly string _root;
    private readonly string[] _segments;

    private FileGlob(string pattern, string root, string[] segments)
    {
        Pattern = pattern;
        _root = root;
        _segments = segments;
    }

    public string Pattern { get; }

    public bool HasWildcards => _segments.Length > 0;

    private string FileNamePattern => _segments.Length > 0 ? _segments[^1] : System.IO.Path.GetFileName(Pattern);

    public static FileGlob Parse(string pattern)
    {
        var parts = pattern.Split('/');
        var first = Array.FindIndex(parts, HasWildcard);
        if (first < 0)
        {
            return new FileGlob(pattern, pattern, []);
        }

        var root = string.Join('/', parts[..first]);
        if (root.Length == 0 && pattern.StartsWith('/'))
        {
            root = "/";
        }

        return new FileGlob(pattern, root, parts[first..]);
    }

    public static bool HasWildcard(string text) => text.AsSpan().IndexOfAny('*', '?', '[') >= 0;

    /// <summary>Whether a bare file name (as a directory watcher reports it) could be one of the followed files.</summary>
    public bool MatchesFileName(string name) => IsMatch(FileNamePattern, name);

    /// <summary>The regular files the pattern names now, in ordinal order.</summary>
    public IReadOnlyList<string> ExpandFiles()
    {
        if (!HasWildcards)
        {
            return File.Exists(Pattern) ? [Pattern] : [];
        }

        var files = new List<string>();
        foreach (var directory in ExpandDirectories())
        {
            foreach (var name in Entries(directory, files: true))
            {
                if (IsMatch(FileNamePattern, name))
                {
                    files.Add(System.IO.Path.Join(directory, name));
                }
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>The existing directories the followed files live in (those worth watching).</summary>
    public IReadOnlyList<string> ExpandDirectories()
    {
        if (!HasWildcards)
        {
            var parent = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Pattern));
            return parent is not null && Directory.Exists(parent) ? [parent] : [];
        }

        List<string> current = Directory.Exists(RootForListing(_root)) ? [_root] : [];
        foreach (var segment in _segments[..^1])
        {
            var next = new List<string>();
            foreach (var directory in current)
            {
                if (!HasWildcard(segment))
                {
                    var child = System.IO.Path.Join(directory, segment);
                    if (Directory.Exists(RootForListing(child)))
                    {
                        next.Add(child);
                    }

                    continue;
                }

                next.AddRange(Entries(directory, files: false).Where(name => IsMatch(segment, name)).Select(name => System.IO.Path.Join(directory, name)));
            }

            current = next;
        }

        current.Sort(StringComparer.Ordinal);
        return current;
    }

    /// <summary>Shell-style match of one path segment.</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        if (name.StartsWith('.') && !pattern.StartsWith('.'))
        {
            return false;
        }

        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starN = n;
                continue;
            }

            if (p < pattern.Length && MatchOne(pattern, ref p, name[n]))
            {
                n++;
                continue;
            }

            if (starP < 0)
            {
                return false;
            }

            // Backtrack: let the last '*' swallow one more character.
            p = starP + 1;
            n = ++starN;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    // Matches one character at pattern[p] (a literal, '?' or a bracket class) and advances p past it.
    private static bool MatchOne(ReadOnlySpan<char> pattern, ref int p, char c)
    {
        var token = pattern[p];
        if (token == '?')
        {
            p++;
            return true;
        }

        if (token == '[')
        {
            var close = ClassEnd(pattern, p);
            if (close > 0)
            {
                var body = pattern[(p + 1)..close];
                var negate = body.Length > 0 && body[0] is '!' or '^';
                if (negate)
                {
                    body = body[1..];
                }

                var found = false;
                for (var i = 0; i < body.Length; i++)
                {
                    if (i + 2 < body.Length && body[i + 1] == '-')
                    {
                        found |= c >= body[i] && c <= body[i + 2];
                        i += 2;
                    }
                    else
                    {
                        found |= c == body[i];
                    }
                }

                if (found == negate)
                {
                    return false;
                }

                p = close + 1;
                return true;
            }
        }

        if (token != c)
        {
            return false;
        }

        p++;
        return true;
    }

    // The index of the ']' closing a class opened at 'open', or -1 (then '[' is a literal).
    // A ']' right after '[' or '[!' belongs to the class, as in the shell.
    private static int ClassEnd(ReadOnlySpan<char> pattern, int open)
    {
        var i = open + 1;
        if (i < pattern.Length && pattern[i] is '!' or '^')
        {
            i++;
        }

        if (i < pattern.Length && pattern[i] == ']')
        {
            i++;
        }

        var close = pattern[i..].IndexOf(']');
        return close < 0 ? -1 : i + close;
    }

    private static string RootForListing(string directory) => directory.Length == 0 ? "." : directory;

    private static List<string> Entries(string directory, bool files)
    {
        try
        {
            var info = new DirectoryInfo(RootForListing(directory));
            IEnumerable<FileSystemInfo> entries = files ? info.EnumerateFiles() : info.EnumerateDirectories();
            return entries.Select(e => e.Name).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
