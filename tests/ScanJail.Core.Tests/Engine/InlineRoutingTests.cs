using System.Threading.Channels;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Engine;
using ScanJail.Core.Sources;
using ScanJail.Core.Tests.Filtering;

namespace ScanJail.Core.Tests.Engine;

/// <summary>
/// A file source's router runs on the reading thread for the last line of a read (a line appended at
/// idle reaches the loop without a pool thread's wake-up) and on the pool in the middle of a burst; what
/// it sends is the same as through a channel whose router always runs on the pool.
/// </summary>
public sealed class InlineRoutingTests : IDisposable
{
    private static readonly FilePosition File = new("/var/log/auth.log", 1, 2, 0);
    private readonly FilterFiles _files = new();

    [Fact]
    public void The_last_line_of_a_read_is_routed_on_the_reading_thread()
    {
        var inbox = new RecordingInbox();
        var writer = OnThreadOfItsOwn(inbox, inline: true, [(Failure(1), false)]);
        var message = Assert.Single(inbox.Messages, m => m.Message is FailuresFound);
        Assert.Equal(writer, message.Thread);
        Assert.False(message.OnPool);
    }

    [Fact]
    public void In_the_middle_of_a_burst_the_router_moves_to_the_pool_and_keeps_every_line_in_order()
    {
        var inbox = new RecordingInbox();
        var lines = Enumerable.Range(1, 2000).Select(i => (Failure(i), i < 2000)).ToArray();
        OnThreadOfItsOwn(inbox, inline: true, lines);
        Assert.True(inbox.Messages[0].OnPool, "the burst's first line was routed on the reading thread");
        Assert.Equal(Enumerable.Range(1, 2000).Select(Address), Failures(inbox));
        Assert.Equal(2000 * 10, LastPosition(inbox));
    }

    [Fact]
    public void Any_lines_and_bursts_give_the_same_failures_and_last_position_as_routing_on_the_pool()
    {
        // Each line: a failure, a line the filter misses or a screened line, and whether more of its read follows.
        var reads = Gen.Zip(Gen.Elements(0, 1, 2), ArbMap.Default.GeneratorFor<bool>()).ArrayOf();
        Prop.ForAll(reads.ToArbitrary(), read =>
        {
            var lines = read.Select((r, i) => (r.Item1 switch { 0 => Failure(i + 1), 1 => Noise(i + 1), _ => Screened(i + 1) }, r.Item2)).ToArray();
            var inline = new RecordingInbox();
            var pool = new RecordingInbox();
            OnThreadOfItsOwn(inline, inline: true, lines);
            OnThreadOfItsOwn(pool, inline: false, lines);
            return Failures(inline).SequenceEqual(Failures(pool))
                && LastPosition(inline) == LastPosition(pool)
                && Failures(pool).Count() == lines.Count(l => l.Item1.Text.StartsWith("Failed", StringComparison.Ordinal));
        }).QuickCheckThrowOnFailure();
    }

    public void Dispose() => _files.Dispose();

    private static string Address(int i) => $"192.0.{i / 250}.{i % 250 + 1}";

    private static LogLine Failure(int i) => new("Failed password for root from " + Address(i), "test", DateTimeOffset.UtcNow, File with { Offset = i * 10 });

    private static LogLine Noise(int i) => new("session opened for user root", "test", DateTimeOffset.UtcNow, File with { Offset = i * 10 });

    private static LogLine Screened(int i) => new("", "test", DateTimeOffset.UtcNow, File with { Offset = i * 10 }) { Screened = true };

    private static IEnumerable<string> Failures(RecordingInbox inbox) =>
        inbox.Messages.Select(m => m.Message).OfType<FailuresFound>().SelectMany(f => f.Failures).Select(f => f.Address.ToString());

    private static long? LastPosition(RecordingInbox inbox) =>
        inbox.Messages.Select(m => m.Message switch { FailuresFound f => f.Position, PositionReached p => p.Position, _ => null }).LastOrDefault(p => p is not null)?.Offset;

    /// <summary>
    /// Routes <paramref name="lines"/> as a file source does, written from a thread of its own (no
    /// synchronization context, like the source's inotify thread): the router starts waiting on it too.
    /// </summary>
    private int OnThreadOfItsOwn(RecordingInbox inbox, bool inline, (LogLine Line, bool MoreComing)[] lines)
    {
        var filter = _files.CreateValid("""failregex: ['^Failed password for \S+ from <HOST>$']""");
        var burst = new ReadBurst();
        var router = new LineRouter([new JailRoute("j", filter, TimeSpan.FromHours(1))], inbox, new EngineCounters(), TimeProvider.System, replay: true, burst: inline ? burst : null);
        var channel = SourcePipeline.CreateLines(inline);
        var context = new ReadContext(channel.Writer, new SourceCounters(), TimeProvider.System, 8192, burst: inline ? burst : null);
        var writer = 0;
        Task? running = null;
        Exception? failed = null;
        var thread = new Thread(() =>
        {
            try
            {
                writer = Environment.CurrentManagedThreadId;
                running = router.RunAsync(channel.Reader);
                foreach (var (line, more) in lines)
                {
                    context.WriteAsync(line, more, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                }
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                failed = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(failed);
        Assert.True(running!.Wait(TimeSpan.FromSeconds(30)), "the router did not finish");
        return writer;
    }

    /// <summary>The engine's inbox as the router sees it, with the thread each message was written on.</summary>
    private sealed class RecordingInbox : ChannelWriter<EngineMessage>
    {
        private readonly Lock _gate = new();
        private readonly List<(EngineMessage Message, int Thread, bool OnPool)> _messages = [];

        public List<(EngineMessage Message, int Thread, bool OnPool)> Messages
        {
            get
            {
                lock (_gate)
                {
                    return [.. _messages];
                }
            }
        }

        public override bool TryWrite(EngineMessage item)
        {
            lock (_gate)
            {
                _messages.Add((item, Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread));
            }
            return true;
        }

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
    }
}
