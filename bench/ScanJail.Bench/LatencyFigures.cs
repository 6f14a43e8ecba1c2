namespace ScanJail.Bench;

/// <summary>
/// One row of the ban-latency table: milliseconds from the line (or datagram) to the ban command's start, the tool's
/// own CPU per ban (<see cref="ToolCpu"/>), and the machine's contention during the row (<see cref="MachineShare.Since"/>).
/// </summary>
internal sealed record LatencyFigures(string Tool, string Path, string Load, Measured Measured, string LoadAverage, string Machine)
{
    public IReadOnlyList<double> Millis => Measured.Millis;

    public double Percentile(double p)
    {
        if (Millis.Count == 0)
        {
            return double.NaN;
        }
        var sorted = Millis.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];
    }

    public static void Print(IEnumerable<LatencyFigures> rows)
    {
        Console.WriteLine($"{"tool",-34} {"path",-20} {"load",-22} {"bans",5} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"max ms",8} {"missed",6} {"cpu/ban ms",10} {"steal %",7} {"cpu wait %",10}  load average");
        foreach (var r in rows)
        {
            Console.WriteLine($"{r.Tool,-34} {r.Path,-20} {r.Load,-22} {r.Millis.Count,5} {r.Percentile(0.5),8:F2} {r.Percentile(0.9),8:F2} {r.Percentile(0.99),8:F2} {r.Percentile(1),8:F2} {r.Measured.Missed,6} {r.Measured.CpuPerBan,10:F3} {r.Machine}  {r.LoadAverage}");
        }
    }

    public static string LoadAverageNow() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}

/// <summary>What <see cref="LatencyStage.Measure"/> measured: each ban's milliseconds, the bans that never came, and the tool's CPU per ban (in all, and by thread).</summary>
internal sealed record Measured(List<double> Millis, int Missed, double CpuPerBan, string Threads);
