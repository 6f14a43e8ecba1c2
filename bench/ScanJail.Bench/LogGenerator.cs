using System.Globalization;
using System.Text;

namespace ScanJail.Bench;

/// <summary>
/// Writes the deterministic benchmark log: syslog lines mixing sshd failures and successes,
/// attackalert lines (ScanJail's key=value and portsentry's wording) and noise, from 10,000 IPv4
/// sources (198.18.0.0/15, the benchmarking range) and 1,000 IPv6 sources (2001:db8::/32).
/// The same seed and count always give the same bytes.
/// </summary>
internal static class LogGenerator
{
    public const int Ipv4Sources = 10_000;
    public const int Ipv6Sources = 1_000;
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    public static void Write(string path, int lines, int seed = 42)
    {
        var random = new Random(seed);
        var v4 = Enumerable.Range(0, Ipv4Sources).Select(i => $"198.{18 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}").ToArray();
        var v6 = Enumerable.Range(0, Ipv6Sources).Select(i => $"2001:db8:{i >> 8:x}::{i & 255:x}").ToArray();
        var users = new[] { "root", "admin", "oracle", "test", "ubuntu", "git", "postgres", "pi", "user", "deploy" };
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var time = Start;
        for (var n = 0; n < lines; n++)
        {
            time = time.AddMilliseconds(random.Next(1, 100));
            var stamp = time.ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture);
            var ip = random.Next(11) == 0 ? v6[random.Next(v6.Length)] : v4[random.Next(v4.Length)];
            var pid = random.Next(1000, 65000);
            var port = random.Next(1024, 65535);
            var user = users[random.Next(users.Length)];
            var roll = random.Next(100);
            var line = roll switch
            {
                < 20 => $"{stamp} bench sshd[{pid}]: Failed password for {user} from {ip} port {port} ssh2",
                < 30 => $"{stamp} bench sshd[{pid}]: Failed password for invalid user {user} from {ip} port {port} ssh2",
                < 38 => $"{stamp} bench sshd[{pid}]: Invalid user {user} from {ip} port {port}",
                < 45 => $"{stamp} bench sshd[{pid}]: Accepted publickey for {user} from {ip} port {port} ssh2: ED25519 SHA256:abc",
                < 50 => $"{stamp} bench sshd[{pid}]: Disconnected from user {user} {ip} port {port}",
                < 56 => $"{stamp} bench scanjail-listener[812]: attackalert: src={ip} proto=tcp dport={random.Next(1, 1024)} kind=syn mode=atcp sport={port} dst=192.0.2.1",
                < 60 => $"{stamp} bench portsentry[1203]: attackalert: TCP SYN/Normal scan from host: {ip}/{ip} to TCP port: {random.Next(1, 1024)}",
                < 75 => $"{stamp} bench CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
                < 88 => $"{stamp} bench kernel: [{n % 100000}.{pid}] audit: type=1400 audit({n}.{pid}:1): apparmor=\"ALLOWED\" operation=\"open\"",
                _ => $"{stamp} bench systemd[1]: Started session-{n}.scope - Session {n} of User {user}.",
            };
            writer.Write(line);
            writer.Write('\n');
        }
    }
}
