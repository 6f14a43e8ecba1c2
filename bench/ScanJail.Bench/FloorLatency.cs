using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ScanJail.Bench;

/// <summary>
/// The floor of the ban-latency table: the least any tool can do between a line and its ban command, measured
/// like ScanJail in the same run (same stamp command, same lines and datagrams, same <see cref="LatencyStage.Measure"/>).
/// A static C program with one thread: <c>poll</c> on an inotify watch of the file and on a UDP socket, the
/// appended bytes read, the address after " from " checked with <c>inet_pton</c>, and <c>posix_spawn</c> of the
/// stamp command; the kernel reaps the children (SIGCHLD ignored), so a ban never waits for the one before.
/// No regex, no counting, no database, no queue: what it takes is the machine's share of each figure (the
/// wake-ups, the spawn, the hypervisor's steal), which no design removes.
/// </summary>
internal static class FloorLatency
{
    private const string Source = """
        #define _GNU_SOURCE
        #include <arpa/inet.h>
        #include <fcntl.h>
        #include <poll.h>
        #include <signal.h>
        #include <spawn.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/inotify.h>
        #include <sys/socket.h>
        #include <unistd.h>
        extern char **environ;
        static char *stamper, *stamps;
        static void ban(const char *text, size_t n) {
          const char *at = memmem(text, n, " from ", 6);
          if (!at) return;
          at += 6;
          char ip[64];
          size_t k = 0;
          while (at + k < text + n && k < sizeof ip - 1 && at[k] != ' ') { ip[k] = at[k]; k++; }
          ip[k] = 0;
          unsigned char raw[16];
          if (inet_pton(AF_INET, ip, raw) != 1 && inet_pton(AF_INET6, ip, raw) != 1) return;
          char *argv[] = { stamper, ip, stamps, NULL };
          pid_t pid;
          posix_spawn(&pid, stamper, NULL, NULL, argv, environ);
        }
        int main(int argc, char **argv) { /* floor FILE PORT STAMPER STAMPS */
          if (argc != 5) return 64;
          stamper = argv[3];
          stamps = argv[4];
          signal(SIGCHLD, SIG_IGN);
          int file = open(argv[1], O_RDONLY | O_CLOEXEC);
          int watch = inotify_init1(IN_CLOEXEC);
          int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
          struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
          if (file < 0 || watch < 0 || udp < 0 || inotify_add_watch(watch, argv[1], IN_MODIFY) < 0
              || bind(udp, (struct sockaddr *)&local, sizeof local) != 0 || lseek(file, 0, SEEK_END) < 0) return 71;
          puts("ready");
          fflush(stdout);
          static char lines[1 << 16], datagram[1 << 16], events[4096];
          size_t have = 0;
          for (;;) {
            struct pollfd ready[2] = { { watch, POLLIN, 0 }, { udp, POLLIN, 0 } };
            if (poll(ready, 2, -1) < 0) continue;
            if (ready[0].revents) {
              if (read(watch, events, sizeof events) < 0) return 74;
              ssize_t got;
              while ((got = read(file, lines + have, sizeof lines - have)) > 0) {
                have += (size_t)got;
                char *start = lines, *end;
                while ((end = memchr(start, '\n', (size_t)(lines + have - start)))) { ban(start, (size_t)(end - start)); start = end + 1; }
                have = (size_t)(lines + have - start);
                memmove(lines, start, have);
                if (have == sizeof lines) have = 0;
              }
            }
            if (ready[1].revents) {
              ssize_t got = recv(udp, datagram, sizeof datagram, 0);
              if (got > 0) ban(datagram, (size_t)got);
            }
          }
        }
        """;

    /// <summary>Builds the floor program into <paramref name="dir"/>; null (said why) without a C compiler.</summary>
    public static string? Build(string dir) => CProgram.Build(dir, "floor", Source);

    /// <summary>The floor's two idle rows: a line appended to a file, a datagram to its UDP port.</summary>
    public static IReadOnlyList<LatencyFigures> Run(string program, int bans)
    {
        var dir = Directory.CreateTempSubdirectory("scanjail-floor-").FullName;
        Process? floor = null;
        try
        {
            var auth = Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "log")).FullName, "auth.log");
            File.WriteAllText(auth, "");
            using var stamps = new StampLog(Path.Combine(dir, "stamps"));
            var port = LatencyStage.FreeUdpPort();
            var start = new ProcessStartInfo(program, [auth, port.ToString(CultureInfo.InvariantCulture), .. StampCommand.Current.Prefix, stamps.Path])
            {
                RedirectStandardOutput = true,
            };
            floor = Process.Start(start)!;
            if (floor.StandardOutput.ReadLine() != "ready")
            {
                Console.WriteLine("  the floor program did not start: its rows are left out");
                return [];
            }
            var machine = MachineShare.Now();
            var file = LatencyStage.Measure(floor.Id, bans, i => $"100.68.{i / 250}.{i % 250 + 1}", stamps, address => LatencyStage.AppendFailure(auth, address));
            var fileRow = new LatencyFigures(Tool, "file line", LatencyStage.IdleName, file, LatencyFigures.LoadAverageNow(), MachineShare.Now().Since(machine));
            machine = MachineShare.Now();
            using var udp = new UdpClient();
            udp.Connect(IPAddress.Loopback, port);
            var syslog = LatencyStage.Measure(floor.Id, bans, i => $"100.69.{i / 250}.{i % 250 + 1}", stamps, address => udp.Send(LatencyStage.FailureDatagram(address)));
            var syslogRow = new LatencyFigures(Tool, "syslog datagram", LatencyStage.IdleName, syslog, LatencyFigures.LoadAverageNow(), MachineShare.Now().Since(machine));
            return [fileRow, syslogRow];
        }
        finally
        {
            if (floor is not null)
            {
                if (!floor.HasExited)
                {
                    floor.Kill(); // the bench's own child, by its pid
                    floor.WaitForExit();
                }
                floor.Dispose();
            }
            Directory.Delete(dir, true);
        }
    }

    private const string Tool = "floor (C: poll, posix_spawn)";
}
