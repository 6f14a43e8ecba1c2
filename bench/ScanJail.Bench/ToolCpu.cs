using System.Globalization;

namespace ScanJail.Bench;

/// <summary>
/// The CPU time a process's threads used, by thread name (<c>/proc/PID/task/*/schedstat</c>'s first field, in
/// nanoseconds, and <c>comm</c>). A latency row divides a measured tool's by its bans, so that builds and tools compare by
/// the work each ban costs them, which the hypervisor's steal moves far less than a p99; the replay stage reads the
/// bench's own, to say which thread is its bottleneck. The commands a tool starts are apart (other processes), and a
/// thread that ends between two readings takes its time with it (the engine's threads live as long as it does).
/// </summary>
internal sealed record ToolCpu(IReadOnlyDictionary<string, long> ByThread)
{
    public long Nanoseconds => ByThread.Values.Sum();

    /// <summary>Null when the process is gone (or this is no Linux).</summary>
    public static ToolCpu? Of(int pid)
    {
        var byThread = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task"))
            {
                try
                {
                    var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    var text = File.ReadAllText(Path.Combine(task, "schedstat"));
                    byThread[name] = byThread.GetValueOrDefault(name) + long.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // the thread ended meanwhile
                }
            }
        }
        catch (IOException)
        {
            return null;
        }
        return new ToolCpu(byThread);
    }

    /// <summary>Milliseconds of CPU per ban from <paramref name="start"/> to <paramref name="end"/>; NaN when either reading failed.</summary>
    public static double PerBan(ToolCpu? start, ToolCpu? end, int bans) =>
        start is null || end is null || bans == 0 ? double.NaN : (end.Nanoseconds - start.Nanoseconds) / 1e6 / bans;

    /// <summary>"scanjail inotif 0.52, scanjail reaper 0.10": milliseconds per ban of the threads that used at least 0.01 each.</summary>
    public static string ThreadsPerBan(ToolCpu? start, ToolCpu? end, int bans) =>
        bans == 0 ? "?" : Used(start, end, 1e6 * bans, 0.01, "");

    /// <summary>"engine loop 1.10 s, .NET TP Worker 0.95 s": the threads that used at least 0.05 s between the two readings.</summary>
    public static string Between(ToolCpu? start, ToolCpu? end) => Used(start, end, 1e9, 0.05, " s");

    private static string Used(ToolCpu? start, ToolCpu? end, double unit, double least, string suffix) =>
        start is null || end is null ? "?" : string.Join(", ", end.ByThread
            .Select(t => (Name: t.Key, Used: (t.Value - start.ByThread.GetValueOrDefault(t.Key)) / unit))
            .Where(t => t.Used >= least)
            .OrderByDescending(t => t.Used)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Used:F2}{suffix}")));
}
