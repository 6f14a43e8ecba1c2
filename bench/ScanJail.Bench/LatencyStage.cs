using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ScanJail.Bench;

/// <summary>
/// Ban latency of the real <c>scanjail</c> process: from a line appended to a watched file, and from
/// a datagram to its syslog receiver, to the ban command starting (it stamps the time itself, see
/// <see cref="StampLog"/>), one ban at a time from fresh addresses (maxretry 1). "Under load" a
/// <see cref="LoadGenerator"/> writes 100,000 other lines a second (sshd failures below maxretry
/// from 100,000 sources, and noise) into a third file read by its own jail.
/// </summary>
internal static class LatencyStage
{
    /// <summary>How long one row may take (<c>--row-seconds</c>).</summary>
    public static TimeSpan RowBudget { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Unmeasured bans before each row's measured ones (<c>--warm-up</c>, at most as many as it measures), as a
    /// server that has been running has made them: .NET recompiles a method optimised after its first 30 calls,
    /// on a background thread, and with only the first ban's warm-up the first row measured that recompiling
    /// (the file line's p90 3.3 to 3.6 ms, against 1.2 ms after 500 bans, or 1.5 ms with tiered compilation off).
    /// </summary>
    public static int WarmUpBans { get; set; } = 500;

    /// <summary>
    /// How long the bench waits after each measured ban's stamp before it sends the next failure (<c>--rest-ms</c>).
    /// With none, a ban follows the one before within about a millisecond, and the tool meets it with its caches still
    /// holding the last ban's code and data; a server whose bans come seconds apart meets each with them gone (round 24:
    /// after 5 ms, the engine's CPU per ban doubled, the floor's too).
    /// </summary>
    public static TimeSpan Rest { get; set; } = TimeSpan.Zero;

    /// <summary>The load column of an idle row: "idle", or "idle, N ms rest" with <see cref="Rest"/>.</summary>
    public static string IdleName => Rest > TimeSpan.Zero ? $"idle, {Rest.TotalMilliseconds:F0} ms rest" : "idle";

    /// <summary>How the bans of a row follow each other, for the table's header.</summary>
    public static string Pace => Rest > TimeSpan.Zero
        ? $"{Rest.TotalMilliseconds:F0} ms between a ban's start and the next failure"
        : "each failure sent once the ban before it started";

    public static IReadOnlyList<LatencyFigures> Run(int bans, bool underLoad, int loadRate)
    {
        var dir = Directory.CreateTempSubdirectory("scanjail-latency-").FullName;
        try
        {
            // The watched logs in a folder of their own, as /var/log is apart from /var/lib on a host: the
            // database and the stamps written beside them woke the file watchers at every commit and ban.
            var logs = Directory.CreateDirectory(Path.Combine(dir, "log")).FullName;
            var auth = Path.Combine(logs, "auth.log");
            var load = Path.Combine(logs, "load.log");
            using var stamps = new StampLog(Path.Combine(dir, "stamps"));
            File.WriteAllText(auth, "");
            File.WriteAllText(load, "");
            var port = FreeUdpPort();
            Directory.CreateDirectory(Path.Combine(dir, "actions"));
            File.WriteAllText(Path.Combine(dir, "actions", "stamp.yaml"), $"""
                ban: {StampCommand.Current.Yaml(stamps.Path)}
                """);
            File.WriteAllText(Path.Combine(dir, "jail.yaml"), $$"""
                jails:
                  ssh: { source: { file: {{auth}} }, filter: sshd, maxretry: 1, bantime: 1h, actions: [stamp] }
                  syslog: { source: { syslog: "udp://127.0.0.1:{{port}}" }, filter: sshd, maxretry: 1, bantime: 1h, actions: [stamp] }
                  load: { source: { file: {{load}} }, filter: sshd, maxretry: 1000000, findtime: 10m, bantime: 1h, actions: [stamp] }
                """);
            using var engine = EngineHost.Start(dir);
            using var generator = underLoad ? new LoadGenerator(load) { LinesPerSecond = loadRate, RotateEvery = TimeSpan.FromSeconds(30) } : null;
            generator?.Start();
            if (generator is not null)
            {
                Task.Delay(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult(); // the counters fill and the stream settles
            }
            var loadName = underLoad ? $"{loadRate:N0} lines/s" : IdleName;
            var jit = new RuntimeWork(engine);
            var machine = MachineShare.Now();
            var file = Measure(engine.Pid, bans, i => $"100.65.{i / 250}.{i % 250 + 1}", stamps, address => AppendFailure(auth, address), jit.Start);
            jit.Report("file line");
            Console.WriteLine($"  (the engine's CPU per ban by thread, ms: {file.Threads})");
            var fileRow = new LatencyFigures("scanjail", "file line", loadName, file, LatencyFigures.LoadAverageNow(), MachineShare.Now().Since(machine));
            machine = MachineShare.Now();
            using var udp = new UdpClient();
            udp.Connect(IPAddress.Loopback, port);
            var syslog = Measure(engine.Pid, bans, i => $"100.66.{i / 250}.{i % 250 + 1}", stamps, address => udp.Send(FailureDatagram(address)), jit.Start);
            jit.Report("syslog datagram");
            Console.WriteLine($"  (the engine's CPU per ban by thread, ms: {syslog.Threads})");
            var syslogRow = new LatencyFigures("scanjail", "syslog datagram", loadName, syslog, LatencyFigures.LoadAverageNow(), MachineShare.Now().Since(machine));
            if (generator is not null)
            {
                var written = generator.Written;
                var read = engine.CountersOrNull()?.GetValueOrDefault("lines.read");
                Console.WriteLine($"  (load: {written:N0} lines written, the engine had read {(read is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "? (stats did not answer within 10 s)")})");
            }
            engine.Stop();
            return [fileRow, syslogRow];
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// Sends one failure per fresh address and waits for its ban command's stamp, for <paramref name="bans"/>
    /// bans or until <see cref="RowBudget"/> is spent (an engine that falls behind a load would take hours).
    /// </summary>
    public static Measured Measure(int pid, int bans, Func<int, string> address, StampLog stamps, Action<string> send, Action? measuring = null)
    {
        var millis = new List<double>(bans);
        var missed = 0;
        WarmUp(bans, address, stamps, send);
        measuring?.Invoke();
        var cpu = ToolCpu.Of(pid);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < bans && clock.Elapsed < RowBudget; i++)
        {
            var ip = address(i);
            var sentAt = StampLog.Now();
            send(ip);
            if (stamps.WaitFor(ip, TimeSpan.FromSeconds(missed > 2 ? 2 : 30)) is { } stamp)
            {
                millis.Add((stamp - sentAt) * 1000);
                if (Rest > TimeSpan.Zero)
                {
                    // The bench's one thread asleep, as in StampLog.WaitFor; the measured time ended at the stamp.
                    Thread.Sleep(Rest);
                }
            }
            else
            {
                missed++;
            }
        }
        var end = ToolCpu.Of(pid);
        return new Measured(millis, missed, ToolCpu.PerBan(cpu, end, millis.Count), ToolCpu.ThreadsPerBan(cpu, end, millis.Count));
    }

    /// <summary>
    /// Unmeasured bans (fresh addresses after the measured ones) until one comes through, then up to
    /// <see cref="WarmUpBans"/> more: the tool's first bans pay for compiling and loading its path, and a
    /// tool that says it is ready may not yet have taken its start position in the file (a line written
    /// before that is never read).
    /// </summary>
    private static void WarmUp(int bans, Func<int, string> address, StampLog stamps, Action<string> send)
    {
        const int FirstTries = 15;
        for (var k = 0; k < FirstTries; k++)
        {
            var ip = address(bans + k);
            send(ip);
            if (stamps.WaitFor(ip, TimeSpan.FromSeconds(2)) is not null)
            {
                break;
            }
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var n = 0; n < Math.Min(WarmUpBans, bans) && clock.Elapsed < RowBudget; n++)
        {
            var ip = address(bans + FirstTries + n);
            send(ip);
            stamps.WaitFor(ip, TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>Appends one sshd failure from <paramref name="address"/> to <paramref name="log"/>, as sshd's syslog would.</summary>
    public static void AppendFailure(string log, string address)
    {
        using var stream = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1);
        stream.Write(Encoding.UTF8.GetBytes($"{Failure(address)}\n"));
    }

    /// <summary>The same failure as an RFC 3164 datagram (auth.info).</summary>
    public static byte[] FailureDatagram(string address) => Encoding.UTF8.GetBytes($"<38>{Failure(address)}");

    private static string Failure(string address) => $"{Stamp()} bench sshd[7]: Failed password for root from {address} port 4242 ssh2";

    public static string Stamp()
    {
        var now = TimeProvider.System.GetLocalNow();
        return string.Create(CultureInfo.InvariantCulture, $"{now:MMM} {now.Day,2} {now:HH:mm:ss}");
    }

    public static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}
