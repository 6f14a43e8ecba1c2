using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering;

/// <summary>
/// Built regexes by pattern, options and timeout, held weakly: a reload (or a second engine in the same
/// process) that keeps a filter gets its compiled regexes back instead of emitting and compiling them
/// again, which cost about a second of CPU for the shipped filters. A regex is immutable and
/// thread-safe, so sharing one is safe; one no filter uses any more is collected as before.
/// </summary>
internal static class RegexCache
{
    private static readonly Dictionary<(string Pattern, RegexOptions Options, TimeSpan Timeout), WeakReference<Regex>> Built = [];

    public static Regex GetOrBuild(string pattern, RegexOptions options, TimeSpan timeout, Func<Regex> build)
    {
        var key = (pattern, options, timeout);
        lock (Built)
        {
            if (Built.TryGetValue(key, out var weak) && weak.TryGetTarget(out var cached))
            {
                return cached;
            }
        }
        // Built outside the lock: compiling takes milliseconds, and two threads building the same one both get a correct regex.
        var regex = build();
        lock (Built)
        {
            if (Built.Count >= 1024)
            {
                foreach (var dead in Built.Where(e => !e.Value.TryGetTarget(out _)).Select(e => e.Key).ToList())
                {
                    Built.Remove(dead);
                }
            }
            Built[key] = new WeakReference<Regex>(regex);
        }
        return regex;
    }
}
