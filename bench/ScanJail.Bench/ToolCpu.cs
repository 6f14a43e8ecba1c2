using System.Globalization;

namespace ScanJail.Bench;

/// <summary>
/// The CPU time a measured tool's own threads used (the sum of <c>/proc/PID/task/*/schedstat</c>'s first field, in
/// nanoseconds): a latency row divides it by its bans, so that builds and tools compare by the work each ban costs them,
/// which the hypervisor's steal moves far less than a p99. The commands they start are apart (other processes), and a
/// thread that ends during the row takes its time with it (the engine's threads live as long as it does).
/// </summary>
internal readonly record struct ToolCpu(int Pid, long Nanoseconds)
{
    public static ToolCpu Of(int pid)
    {
        long sum = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task"))
            {
                try
                {
                    var text = File.ReadAllText(Path.Combine(task, "schedstat"));
                    sum += long.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // the thread ended meanwhile
                }
            }
        }
        catch (IOException)
        {
            return new ToolCpu(pid, -1); // the process is gone (or this is no Linux)
        }
        return new ToolCpu(pid, sum);
    }

    /// <summary>Milliseconds of CPU per ban from <paramref name="start"/> to now; NaN when either reading failed.</summary>
    public double PerBanSince(ToolCpu start, int bans) =>
        Nanoseconds < 0 || start.Nanoseconds < 0 || bans == 0 ? double.NaN : (Nanoseconds - start.Nanoseconds) / 1e6 / bans;
}
