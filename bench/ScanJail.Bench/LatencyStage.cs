using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Configuration;
using ScanJail.Core.Engine;
using ScanJail.Core.Persistence;

namespace ScanJail.Bench;

/// <summary>
/// Time from a line appended to a watched file to the ban command starting, over many bans. The
/// command stamps the time itself (bash's $EPOCHREALTIME, one exec), so the figure includes the
/// engine's whole path: inotify, read, filter, count, SQLite write, queue, fork and exec.
/// </summary>
internal static class LatencyStage
{
    public static (double P50, double P99, double Max) Run(string repoRoot, int bans)
    {
        var dir = Directory.CreateTempSubdirectory("scanjail-latency-");
        try
        {
            var log = Path.Combine(dir.FullName, "auth.log");
            var stamps = Path.Combine(dir.FullName, "stamps");
            File.WriteAllText(log, "");
            Directory.CreateDirectory(Path.Combine(dir.FullName, "actions"));
            File.WriteAllText(Path.Combine(dir.FullName, "actions", "stamp.yaml"), $$"""
                ban: [bash, -c, 'printf "%s\n" "$EPOCHREALTIME" >> "$1"', stamp, "{{stamps}}"]
                """);
            File.WriteAllText(Path.Combine(dir.FullName, "jail.yaml"), $$"""
                jails:
                  ssh: { source: { file: {{log}} }, filter: sshd, maxretry: 1, bantime: 1h, actions: [stamp] }
                """);
            var loaded = ConfigLoader.Load(dir.FullName, [repoRoot]);
            if (loaded.Config is null)
            {
                throw new InvalidOperationException(string.Join("\n", loaded.Errors));
            }
            using var store = SqliteStore.Open(Path.Combine(dir.FullName, "sj.db"));
            var engine = new Engine(loaded.Config, store, TimeProvider.System, NullLoggerFactory.Instance, () => loaded);
            engine.StartAsync().GetAwaiter().GetResult();
            var latencies = new List<double>();
            for (var i = 0; i < bans; i++)
            {
                var address = $"198.18.{i / 250}.{i % 250 + 1}";
                var now = TimeProvider.System.GetUtcNow();
                var line = $"{now.ToLocalTime():MMM} {now.ToLocalTime().Day,2} {now.ToLocalTime():HH:mm:ss} bench sshd[7]: Failed password for root from {address} port 4242 ssh2\n";
                var appendedAt = (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;
                File.AppendAllText(log, line);
                var stamp = WaitForStamp(stamps, i + 1);
                latencies.Add((stamp - appendedAt) * 1000);
            }
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
            latencies.Sort();
            return (latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)], latencies[^1]);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static double WaitForStamp(string path, int count)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
            if (lines.Length >= count && double.TryParse(lines[count - 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var stamp))
            {
                return stamp;
            }
            Task.Delay(1).GetAwaiter().GetResult();
        }
        throw new TimeoutException($"ban {count} did not reach its command within 30 s");
    }
}
