using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ScanJail.Bench;

/// <summary>
/// Writes a steady stream of syslog lines into a watched file from its own thread: every other line
/// an sshd failure from one of <see cref="Sources"/> addresses in 198.18.0.0/15 (taken in turn, so
/// each address fails rarely: below any maxretry the bench sets for them), the others cron noise no
/// filter takes. Optionally <see cref="ChurnPerSecond"/> failures a second from a second pool
/// (100.64.0.0/16) that a jail with maxretry 1 bans (the soak's bans and unbans), and a rename-and-create
/// rotation every <see cref="RotateEvery"/> so a long run does not fill the disk.
/// </summary>
internal sealed class LoadGenerator : IDisposable
{
    private const int Tick = 5; // ms between writes: 100,000 lines/s is 500 lines per write
    private readonly CancellationTokenSource _stop = new();
    private readonly string _path;
    private Thread? _thread;
    private long _written;
    private long _churned;

    public LoadGenerator(string path) => _path = path;

    public int LinesPerSecond { get; init; } = 100_000;
    public int Sources { get; init; } = 100_000;
    public int ChurnPerSecond { get; init; }
    public int ChurnPool { get; init; } = 65_536;
    public TimeSpan? RotateEvery { get; init; }

    public long Written => Interlocked.Read(ref _written);
    public long Churned => Interlocked.Read(ref _churned);

    public static string SourceAddress(int k) => $"198.{18 + ((k >> 16) & 1)}.{(k >> 8) & 255}.{k & 255}";

    public static string ChurnAddress(int c) => $"100.64.{(c >> 8) & 255}.{c & 255}";

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "load generator" };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join();
        _stop.Dispose();
    }

    private void Run()
    {
        var file = Open();
        var clock = Stopwatch.StartNew();
        var rotatedAt = clock.Elapsed;
        var text = new StringBuilder(1 << 16);
        var source = 0;
        var churn = 0;
        long lines = 0;
        long churned = 0;
        var stampSecond = -1L;
        var stamp = "";
        while (!_stop.IsCancellationRequested)
        {
            var elapsed = clock.Elapsed;
            // After a stall, catch up in writes of at most a tenth of a second's lines.
            var due = Math.Min((long)(elapsed.TotalSeconds * LinesPerSecond) - lines, LinesPerSecond / 10);
            var churnDue = (long)(elapsed.TotalSeconds * ChurnPerSecond) - churned;
            var now = TimeProvider.System.GetLocalNow();
            var second = now.ToUnixTimeSeconds();
            if (second != stampSecond)
            {
                stampSecond = second;
                stamp = string.Create(CultureInfo.InvariantCulture, $"{now:MMM} {now.Day,2} {now:HH:mm:ss}");
            }
            text.Clear();
            for (var i = 0; i < due; i++)
            {
                if (i % 2 == 0)
                {
                    text.Append(stamp).Append(" bench sshd[4242]: Failed password for invalid user load from ")
                        .Append(SourceAddress(source)).Append(" port 4242 ssh2\n");
                    source = (source + 1) % Sources;
                }
                else
                {
                    text.Append(stamp).Append(" bench CRON[4243]: (root) CMD (run-parts /etc/cron.hourly)\n");
                }
            }
            for (var i = 0; i < churnDue; i++)
            {
                text.Append(stamp).Append(" bench sshd[4244]: Failed password for root from ")
                    .Append(ChurnAddress(churn)).Append(" port 4242 ssh2\n");
                churn = (churn + 1) % ChurnPool;
            }
            if (text.Length > 0)
            {
                var bytes = Encoding.UTF8.GetBytes(text.ToString());
                file.Write(bytes);
                lines += Math.Max(due, 0);
                churned += Math.Max(churnDue, 0);
                Interlocked.Exchange(ref _written, lines + churned);
                Interlocked.Exchange(ref _churned, churned);
            }
            if (RotateEvery is { } every && elapsed - rotatedAt >= every)
            {
                file.Dispose();
                File.Move(_path, _path + ".1", overwrite: true);
                file = Open();
                rotatedAt = elapsed;
            }
            _stop.Token.WaitHandle.WaitOne(Tick);
        }
        file.Dispose();
    }

    // O_APPEND: every write lands whole at the end, as a syslog daemon's would.
    private FileStream Open() => new(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
}
