using System.Diagnostics;

namespace ScanJail.Bench;

/// <summary>
/// fail2ban-server (Debian fail2ban) measured like <see cref="LatencyStage"/>: the bench's OWN server
/// process, with its configuration, socket, pid file, database and log in a temporary directory (never
/// the system service), the same two jails (<c>ssh</c>: sshd filter, maxretry 1; <c>load</c>: maxretry
/// 1,000,000) and a ban action that runs the same stamping command. fail2ban has no syslog receiver,
/// so only the file path is measured.
/// </summary>
internal static class Fail2BanLatency
{
    public const string Server = "/usr/bin/fail2ban-server";

    public static bool IsAvailable => File.Exists(Server) && Directory.Exists("/etc/fail2ban/filter.d");

    public static LatencyFigures Run(string backend, int bans, bool underLoad, int loadRate)
    {
        var dir = Directory.CreateTempSubdirectory("scanjail-f2b-").FullName;
        Process? server = null;
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
            WriteConfig(dir, backend, auth, load, stamps.Path);
            server = StartServer(dir);
            using var generator = underLoad ? new LoadGenerator(load) { LinesPerSecond = loadRate, RotateEvery = TimeSpan.FromSeconds(30) } : null;
            generator?.Start();
            if (generator is not null)
            {
                Task.Delay(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
            }
            var machine = MachineShare.Now();
            var measured = LatencyStage.Measure(server.Id, bans, i => $"100.67.{i / 250}.{i % 250 + 1}", stamps, address => LatencyStage.AppendFailure(auth, address));
            return new LatencyFigures($"fail2ban-server ({backend})", "file line", underLoad ? $"{loadRate:N0} lines/s" : LatencyStage.IdleName, measured, LatencyFigures.LoadAverageNow(), MachineShare.Now().Since(machine));
        }
        finally
        {
            if (server is not null)
            {
                if (!server.HasExited)
                {
                    using var term = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                    term.WaitForExit();
                    if (!server.WaitForExit(TimeSpan.FromSeconds(30)))
                    {
                        server.Kill(entireProcessTree: true);
                        server.WaitForExit();
                    }
                }
                server.Dispose();
            }
            Directory.Delete(dir, true);
        }
    }

    private static void WriteConfig(string dir, string backend, string auth, string load, string stamps)
    {
        // fail2ban's own filters, read where Debian installs them; a link keeps their includes working.
        File.CreateSymbolicLink(Path.Combine(dir, "filter.d"), "/etc/fail2ban/filter.d");
        Directory.CreateDirectory(Path.Combine(dir, "action.d"));
        File.WriteAllText(Path.Combine(dir, "fail2ban.conf"), $"""
            [Definition]
            loglevel = INFO
            logtarget = {dir}/fail2ban.log
            socket = {dir}/f2b.sock
            pidfile = {dir}/f2b.pid
            dbfile = {dir}/f2b.sqlite3
            dbpurgeage = 1d
            """);
        // ConfigParser interpolation: a literal % is written %%.
        File.WriteAllText(Path.Combine(dir, "action.d", "stamp.conf"), $"""
            [Definition]
            actionstart =
            actionstop =
            actioncheck =
            actionban = {StampCommand.Current.Fail2BanLine(stamps)}
            actionunban =
            """);
        File.WriteAllText(Path.Combine(dir, "jail.conf"), $"""
            [DEFAULT]
            backend = {backend}
            usedns = no
            ignoreself = false
            findtime = 600
            bantime = 3600

            [ssh]
            enabled = true
            filter = sshd
            logpath = {auth}
            maxretry = 1
            action = stamp

            [load]
            enabled = true
            filter = sshd
            logpath = {load}
            maxretry = 1000000
            action = stamp
            """);
    }

    private static Process StartServer(string dir)
    {
        var start = new ProcessStartInfo(Server) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-f", "-x", "-c", dir, "-s", Path.Combine(dir, "f2b.sock"), "-p", Path.Combine(dir, "f2b.pid")])
        {
            start.ArgumentList.Add(arg);
        }
        var server = Process.Start(start) ?? throw new InvalidOperationException("cannot start fail2ban-server");
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var log = Path.Combine(dir, "fail2ban.log");
        var clock = Stopwatch.StartNew();
        // Both jails started: their files are watched from here on.
        while (!(File.Exists(log) && File.ReadAllText(log).Contains("Jail 'load' started", StringComparison.Ordinal)
                 && File.ReadAllText(log).Contains("Jail 'ssh' started", StringComparison.Ordinal)))
        {
            if (server.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"fail2ban-server did not start: {(File.Exists(log) ? File.ReadAllText(log) : "no log")}");
            }
            Task.Delay(50).GetAwaiter().GetResult();
        }
        Task.Delay(500).GetAwaiter().GetResult();
        return server;
    }
}
