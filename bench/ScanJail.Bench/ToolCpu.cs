using System.Globalization;

namespace ScanJail.Bench;

/// <summary>
/// The CPU time a measured tool's own threads used, by thread name (<c>/proc/PID/task/*/schedstat</c>'s first field, in
/// nanoseconds, and <c>comm</c>): a latency row divides it by its bans, so that builds and tools compare by the work each
/// ban costs them, which the hypervisor's steal moves far less than a p99. The commands they start are apart (other
/// processes), and a thread that ends during the row takes its time with it (the engine's threads live as long as it does).
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
        start is null || end is null || bans == 0 ? "?" : string.Join(", ", end.ByThread
            .Select(t => (Name: t.Key, Millis: (t.Value - start.ByThread.GetValueOrDefault(t.Key)) / 1e6 / bans))
            .Where(t => t.Millis >= 0.01)
            .OrderByDescending(t => t.Millis)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Millis:F2}")));
}
