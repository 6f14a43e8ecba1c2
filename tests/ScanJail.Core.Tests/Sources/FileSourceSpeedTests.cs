using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Configuration;
using ScanJail.Core.Sources;
using Xunit.Abstractions;

namespace ScanJail.Core.Tests.Sources;

/// <summary>
/// Reads a large file from its start in order and measures an append-to-emit delay. The numbers are
/// printed for the record, never asserted (the machine is shared); what is asserted is correctness.
/// </summary>
public sealed class FileSourceSpeedTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_large_file_is_replayed_from_its_start_completely_and_in_order()
    {
        // SCANJAIL_REPLAY_LINES=1000000 measures the benchmark's size; the default keeps the suite quick.
        var count = int.TryParse(Environment.GetEnvironmentVariable("SCANJAIL_REPLAY_LINES"), out var asked) ? asked : 200_000;
        var directory = Directory.CreateTempSubdirectory("scanjail-speed-").FullName;
        try
        {
            var path = Path.Combine(directory, "big.log");
            using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
            {
                for (var i = 0; i < count; i++)
                {
                    writer.Write($"Nov 21 10:00:01 host sshd[123]: Failed password for invalid user admin from 203.0.113.{i % 250} port {i} ssh2\n");
                }
            }

            var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
            var source = new FileSource(new FileSourceConfig(path, FromStart: true), new MemoryPositionStore(), TimeProvider.System, NullLogger.Instance);
            using var stop = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            var run = Task.Run(() => source.RunAsync(channel.Writer, stop.Token));
            var received = 0;
            var inOrder = true;
            var lastOffset = 0L;
            while (received < count && await channel.Reader.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60)))
            {
                while (channel.Reader.TryRead(out var line))
                {
                    inOrder &= line.Position!.Offset > lastOffset;
                    lastOffset = line.Position.Offset;
                    received++;
                }
            }

            clock.Stop();
            await stop.CancelAsync();
            await run;
            output.WriteLine($"{count} lines in {clock.Elapsed.TotalMilliseconds:F0} ms: {count / clock.Elapsed.TotalSeconds:F0} lines/s");
            Assert.True(inOrder);
            Assert.Equal(count, received);
            Assert.Equal(new FileInfo(path).Length, lastOffset);
            Assert.Equal(count, source.Counters.Lines.Value);
            Assert.Equal(new FileInfo(path).Length, source.Counters.Bytes.Value);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task An_appended_line_is_emitted_promptly()
    {
        await using var tail = new TailHarness();
        var path = tail.PathOf("a.log");
        File.WriteAllText(path, "");
        tail.Start(path);
        await TailHarness.Settle();

        // ReadAt is stamped by the source when it read the line, on the same clock as "before".
        var delays = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            var before = TimeProvider.System.GetUtcNow();
            TailHarness.Append(path, $"line {i}\n");
            await TailHarness.WaitFor(() => tail.Lines.Count > i, $"line {i}");
            delays.Add((tail.Lines.ElementAt(i).ReadAt - before).TotalMilliseconds);
            await Task.Delay(5);
        }

        delays.Sort();
        output.WriteLine($"append to emit: median {delays[delays.Count / 2]:F2} ms, max {delays[^1]:F2} ms");
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"line {i}"), tail.Texts);
    }
}
