using System.Diagnostics;

namespace ScanJail.Bench;

/// <summary>
/// <c>--soak MINUTES</c> (issue 8, point 4): the real <c>scanjail</c> process fed 100,000 lines a second
/// from 100,000 sources (<see cref="LoadGenerator"/>: sshd failures below maxretry and noise, the file
/// rotated every 30 s) while a second jail on the same file bans 200 fresh addresses a second for 5 s
/// each (bans and unbans churning). Every <c>--every</c> seconds it prints the engine's RSS, open file
/// descriptors (/proc/PID/fd), threads, lines read per second, bans and unbans; at the end, whether
/// RSS, descriptors and threads stayed flat: the last third of the samples against the first third
/// (after a warm-up of a tenth of the run).
/// </summary>
internal static class Soak
{
    private const int ChurnPerSecond = 200;

    public static bool Run(TimeSpan duration, TimeSpan every, int loadRate)
    {
        var dir = Directory.CreateTempSubdirectory("scanjail-soak-").FullName;
        try
        {
            var log = Path.Combine(dir, "soak.log");
            File.WriteAllText(log, "");
            // count: 100,000 sources, each failing about every 2 s, never 10 times in 5 s (no ban).
            // churn: bans the 100.64.0.0/16 pool at its first failure for 5 s; the load's sources are ignored there.
            File.WriteAllText(Path.Combine(dir, "jail.yaml"), $$"""
                jails:
                  count: { source: { file: {{log}} }, filter: sshd, findtime: 5s, maxretry: 10, bantime: 1h, actions: [log] }
                  churn: { source: { file: {{log}} }, filter: sshd, maxretry: 1, bantime: 5s, ignoreip: [198.18.0.0/15], actions: [log] }
                """);
            using var engine = EngineHost.Start(dir, logLevel: "Error");
            using var generator = new LoadGenerator(log) { LinesPerSecond = loadRate, ChurnPerSecond = ChurnPerSecond, RotateEvery = TimeSpan.FromSeconds(30) };
            generator.Start();
            Console.WriteLine($"soak: {duration.TotalMinutes:F0} min, {loadRate:N0} lines/s from 100,000 sources + {ChurnPerSecond} bans/s (bantime 5s); engine pid {engine.Pid}, dir {dir}");
            Console.WriteLine($"{"t s",6} {"RSS MB",8} {"fds",5} {"threads",7} {"lines/s",10} {"written/s",10} {"bans",9} {"unbans",9} {"active",7}  load average");
            var samples = new List<Sample>();
            var clock = Stopwatch.StartNew();
            long lastRead = 0;
            long lastWritten = 0;
            var lastAt = TimeSpan.Zero;
            while (clock.Elapsed < duration)
            {
                Task.Delay(every).GetAwaiter().GetResult();
                if (engine.HasExited)
                {
                    Console.WriteLine("the engine exited during the soak");
                    return false;
                }
                if (engine.CountersOrNull() is not { } counters)
                {
                    Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:F0} stats did not answer within 10 s");
                    continue;
                }
                var now = clock.Elapsed;
                var seconds = (now - lastAt).TotalSeconds;
                var read = counters.GetValueOrDefault("lines.read");
                var written = generator.Written;
                var sample = new Sample(now, Rss(engine.Pid), OpenFiles(engine.Pid), Threads(engine.Pid),
                    (read - lastRead) / seconds, (written - lastWritten) / seconds, counters.GetValueOrDefault("bans"), counters.GetValueOrDefault("unbans"));
                samples.Add(sample);
                (lastRead, lastWritten, lastAt) = (read, written, now);
                Console.WriteLine($"{now.TotalSeconds,6:F0} {sample.RssMb,8:F1} {sample.Fds,5} {sample.Threads,7} {sample.LinesPerSecond,10:N0} {sample.WrittenPerSecond,10:N0} {sample.Bans,9:N0} {sample.Unbans,9:N0} {sample.Bans - sample.Unbans,7:N0}  {LatencyFigures.LoadAverageNow()}");
            }
            engine.Stop();
            return Verdict(samples);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Flat: the last third's peak within 10% + 16 MB of the first third's for RSS, and within 4 for descriptors and threads.</summary>
    public static bool Verdict(IReadOnlyList<Sample> all)
    {
        var samples = all.Skip(Math.Max(1, all.Count / 10)).ToList();
        if (samples.Count < 3)
        {
            Console.WriteLine("verdict: too few samples");
            return false;
        }
        var third = samples.Count / 3;
        var first = samples.Take(third).ToList();
        var last = samples.TakeLast(third).ToList();
        var rss = last.Max(s => s.RssMb) <= first.Max(s => s.RssMb) * 1.10 + 16;
        var fds = last.Max(s => s.Fds) <= first.Max(s => s.Fds) + 4;
        var threads = last.Max(s => s.Threads) <= first.Max(s => s.Threads) + 4;
        var kept = samples.Average(s => s.LinesPerSecond) >= 0.9 * samples.Average(s => s.WrittenPerSecond);
        var churned = last[^1].Unbans > first[0].Unbans;
        Console.WriteLine($"verdict: RSS {(rss ? "flat" : "GREW")} (first third peak {first.Max(s => s.RssMb):F1} MB, last third peak {last.Max(s => s.RssMb):F1} MB); " +
            $"fds {(fds ? "flat" : "GREW")} ({first.Max(s => s.Fds)} -> {last.Max(s => s.Fds)}); threads {(threads ? "flat" : "GREW")} ({first.Max(s => s.Threads)} -> {last.Max(s => s.Threads)}); " +
            $"lines read {samples.Average(s => s.LinesPerSecond):N0}/s of {samples.Average(s => s.WrittenPerSecond):N0}/s written ({(kept ? "kept up" : "FELL BEHIND")}); " +
            $"bans and unbans {(churned ? "churning" : "STOPPED")}");
        return rss && fds && threads && kept && churned;
    }

    private static double Rss(int pid) => StatusField(pid, "VmRSS:") / 1024.0;

    private static int Threads(int pid) => (int)StatusField(pid, "Threads:");

    private static int OpenFiles(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    private static long StatusField(int pid, string name)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                return long.Parse(line[name.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    internal sealed record Sample(TimeSpan At, double RssMb, int Fds, int Threads, double LinesPerSecond, double WrittenPerSecond, long Bans, long Unbans);
}
