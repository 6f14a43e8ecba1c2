using System.Diagnostics;
using System.Globalization;

namespace ScanJail.Bench;

/// <summary>
/// How contended the machine was during one latency row, beside its load average: the share of the CPUs' time
/// the hypervisor gave to someone else (steal, <c>/proc/stat</c>) and the share of the row's wall time in which
/// some task waited for a CPU (<c>/proc/pressure/cpu</c>, "some"). On a shared VM these, more than the engine,
/// decide an idle row's tail. Zero where the kernel has neither file.
/// </summary>
internal readonly record struct MachineShare(long StealTicks, long AllTicks, long CpuWaitMicros, long Timestamp)
{
    public static MachineShare Now()
    {
        long steal = 0, all = 0, wait = 0;
        if (File.Exists("/proc/stat"))
        {
            // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is inside user.
            var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1).Take(8).Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            all = ticks.Sum();
            steal = ticks.Length == 8 ? ticks[7] : 0;
        }
        if (File.Exists("/proc/pressure/cpu"))
        {
            var some = File.ReadLines("/proc/pressure/cpu").First(l => l.StartsWith("some ", StringComparison.Ordinal));
            wait = long.Parse(some[(some.LastIndexOf("total=", StringComparison.Ordinal) + "total=".Length)..], CultureInfo.InvariantCulture);
        }
        return new MachineShare(steal, all, wait, Stopwatch.GetTimestamp());
    }

    /// <summary>"steal % cpu wait %" from <paramref name="start"/> to this one.</summary>
    public string Since(MachineShare start)
    {
        var ticks = AllTicks - start.AllTicks;
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp).TotalMicroseconds;
        var steal = ticks > 0 ? 100.0 * (StealTicks - start.StealTicks) / ticks : 0;
        var wait = wall > 0 ? 100.0 * (CpuWaitMicros - start.CpuWaitMicros) / wall : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{steal,7:F1} {wait,10:F0}");
    }
}
