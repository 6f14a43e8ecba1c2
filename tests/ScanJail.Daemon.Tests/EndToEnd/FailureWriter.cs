using System.Collections.Concurrent;
using System.Globalization;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// Appends sshd failures to a log at a steady pace from its own task: a few addresses at a time, each
/// given 1 to 4 lines (drawn from the seed), interleaved. <see cref="Written"/> says how many lines
/// each address got, so a test can tell exactly which addresses reached maxretry.
/// </summary>
public sealed class FailureWriter : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;
    private readonly ConcurrentDictionary<string, int> _written = new(StringComparer.Ordinal);

    public FailureWriter(string log, int seed, TimeSpan pace)
    {
        _task = Task.Run(() => WriteAsync(log, new Random(seed), pace, _stop.Token));
    }

    /// <summary>Lines written per address (complete once <see cref="StopAsync"/> returned).</summary>
    public IReadOnlyDictionary<string, int> Written => _written;

    public long Lines { get; private set; }

    private async Task WriteAsync(string log, Random random, TimeSpan pace, CancellationToken stop)
    {
        var open = new List<(string Address, int Left)>();
        var next = 0;
        while (!stop.IsCancellationRequested)
        {
            while (open.Count < 6)
            {
                next++;
                // 1 and 2 lines stay below maxretry 3; 3 and 4 ban (the 4th arrives while banned).
                open.Add((string.Create(CultureInfo.InvariantCulture, $"198.18.{next / 250}.{1 + (next % 250)}"), random.Next(1, 5)));
            }
            var pick = random.Next(open.Count);
            var (address, left) = open[pick];
            TestConfig.Append(log, TestConfig.SshFailure(address, pid: next));
            _written.AddOrUpdate(address, 1, (_, n) => n + 1);
            Lines++;
            open[pick] = (address, left - 1);
            if (left == 1)
            {
                open.RemoveAt(pick);
            }
            try
            {
                await Task.Delay(pace, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Addresses still open keep the lines they got: Written is the truth either way.
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _task;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
