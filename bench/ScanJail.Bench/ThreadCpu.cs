using System.Globalization;

namespace ScanJail.Bench;

/// <summary>
/// CPU time of this process's threads by name (Linux /proc/self/task/*/stat, in clock ticks of 10 ms), so a
/// stage can say which of its threads is the bottleneck: the engine loop or the pool (reading and routing).
/// </summary>
internal static class ThreadCpu
{
    public static Dictionary<string, double> Now()
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended meanwhile
            }
            // "tid (comm) state ..." where comm may hold spaces: the fields after the last ')' are fixed.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var name = stat[(open + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            seconds[name] = seconds.GetValueOrDefault(name) + ticks / 100.0;
        }
        return seconds;
    }

    /// <summary>"engine loop 1.10 s, .NET TP Worker 0.95 s": the threads that used at least 0.05 s between the two readings.</summary>
    public static string Between(Dictionary<string, double> before, Dictionary<string, double> after) =>
        string.Join(", ", after
            .Select(p => (Name: p.Key, Seconds: p.Value - before.GetValueOrDefault(p.Key)))
            .Where(p => p.Seconds >= 0.05)
            .OrderByDescending(p => p.Seconds)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name.Trim()} {p.Seconds:F2} s")));
}
