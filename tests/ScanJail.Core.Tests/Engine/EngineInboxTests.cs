using System.Net;
using ScanJail.Core.Engine;
using ScanJail.Core.Jails;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Engine;

/// <summary>
/// The loop's inbox: a flooded source fills only its own lane, so a quiet source's failure and loop work
/// come out after at most one turn of the flood; order within a source holds; a full lane makes its writer wait.
/// </summary>
public sealed class EngineInboxTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_quiet_sources_failure_is_read_within_one_turn_of_a_flood_and_loop_work_first()
    {
        using var inbox = new EngineInbox();
        // The flood keeps its lane full (its writer waits for room) while the loop reads.
        var flood = Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                await inbox.Writer.WriteAsync(Found("/var/log/load.log", i));
            }
        });
        await Task.Delay(100); // the lane fills to its capacity and the flood's writer waits
        await inbox.Writer.WriteAsync(Found("/var/log/auth.log", 0));
        inbox.TryPost(new LoopWork(() => { }));

        Assert.True(inbox.TryRead(out var first));
        Assert.IsType<LoopWork>(first);
        var read = new List<string>();
        while (read.Count < 501 && inbox.WaitToRead())
        {
            while (inbox.TryRead(out var message))
            {
                read.Add(((FailuresFound)message).Position!.Path);
            }
        }
        await flood;
        Assert.Equal(501, read.Count);
        Assert.InRange(read.IndexOf("/var/log/auth.log"), 0, 32);
    }

    [Fact]
    public async Task Messages_of_one_source_keep_their_order_across_any_interleaving()
    {
        using var inbox = new EngineInbox();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
            {
                await inbox.Writer.WriteAsync(Found($"/log/{w}", i));
            }
        })).ToList();
        var seen = new Dictionary<string, List<long>>();
        var total = 0;
        while (total < 1200)
        {
            Assert.True(inbox.WaitToRead());
            while (inbox.TryRead(out var message))
            {
                var position = ((FailuresFound)message).Position!;
                (seen.TryGetValue(position.Path, out var list) ? list : seen[position.Path] = []).Add(position.Offset);
                total++;
            }
        }
        await Task.WhenAll(writers);
        Assert.All(seen.Values, offsets => Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), offsets));
    }

    [Fact]
    public async Task A_full_lane_makes_its_writer_wait_until_the_loop_reads_and_completion_ends_reading()
    {
        using var inbox = new EngineInbox();
        for (var i = 0; i < EngineInbox.LaneCapacity; i++)
        {
            Assert.True(inbox.Writer.TryWrite(Found("/var/log/load.log", i)));
        }
        Assert.False(inbox.Writer.TryWrite(Found("/var/log/load.log", -1)));
        Assert.True(inbox.Writer.TryWrite(Found("/var/log/auth.log", 0))); // another lane has room
        var waiting = inbox.Writer.WriteAsync(Found("/var/log/load.log", EngineInbox.LaneCapacity)).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Assert.True(inbox.TryRead(out _));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        inbox.Complete();
        var left = 0;
        while (inbox.WaitToRead())
        {
            while (inbox.TryRead(out _))
            {
                left++;
            }
        }
        Assert.Equal(EngineInbox.LaneCapacity + 1, left);
        Assert.False(inbox.TryPost(new LoopWork(() => { })));
    }

    [Fact]
    public async Task A_running_writer_handles_its_message_on_a_sources_own_thread_when_the_loop_is_idle_and_a_pool_thread_or_plain_writer_never_does()
    {
        using var inbox = new EngineInbox();
        var handled = new List<(int Thread, long Offset)>();
        inbox.RunHere = () =>
        {
            while (inbox.TryRead(out var message))
            {
                handled.Add((Environment.CurrentManagedThreadId, ((FailuresFound)message).Position!.Offset));
            }
            return true;
        };
        // A source's own thread (not the pool's) writes.
        var writer = 0;
        OnOwnThread(() =>
        {
            writer = Environment.CurrentManagedThreadId;
            Assert.True(inbox.WriterRunningLoop.TryWrite(Found("jail:portscan", 1)));
            inbox.WriterRunningLoop.WriteAsync(Found("jail:portscan", 2)).AsTask().GetAwaiter().GetResult();
        });
        Assert.Equal([(writer, 1L), (writer, 2L)], handled);
        Assert.True(inbox.IsEmpty);

        // A router on the pool (a file source's in the middle of a burst) leaves it to the loop's thread.
        await Task.Run(() => Assert.True(inbox.WriterRunningLoop.TryWrite(Found("/var/log/auth.log", 4))));
        Assert.Equal(2, handled.Count);
        Assert.True(inbox.TryRead(out var fromPool));
        Assert.Equal(4, ((FailuresFound)fromPool).Position!.Offset);

        Assert.True(inbox.Writer.TryWrite(Found("/var/log/auth.log", 3)));
        Assert.Equal(2, handled.Count); // left for the loop's thread
        Assert.True(inbox.WaitToRead());
        Assert.True(inbox.TryRead(out var left));
        Assert.Equal(3, ((FailuresFound)left).Position!.Offset);
    }

    [Fact]
    public async Task When_the_loop_is_busy_a_running_writers_message_waits_in_its_lane_and_wakes_the_loop()
    {
        using var inbox = new EngineInbox();
        var asked = 0;
        inbox.RunHere = () =>
        {
            asked++;
            return false; // the loop's thread owns the loop now
        };
        // The loop's thread sleeps on the empty inbox; the write must ring for it.
        var sleeping = Task.Run(inbox.WaitToRead);
        await Task.Delay(50);
        OnOwnThread(() => Assert.True(inbox.WriterRunningLoop.TryWrite(Found("jail:portscan", 1))));
        Assert.Equal(1, asked);
        Assert.True(await sleeping.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(inbox.TryRead(out var message));
        Assert.Equal(1, ((FailuresFound)message).Position!.Offset);

        // Handled only in part (a batch cut short): what is left rings for the loop too.
        inbox.RunHere = () =>
        {
            inbox.TryRead(out _);
            return true;
        };
        Assert.True(inbox.Writer.TryWrite(Found("jail:portscan", 2)));
        Assert.True(inbox.WaitToRead());
        OnOwnThread(() => Assert.True(inbox.WriterRunningLoop.TryWrite(Found("jail:portscan", 3))));
        Assert.True(await Task.Run(inbox.WaitToRead).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(inbox.TryRead(out var rest));
        Assert.Equal(3, ((FailuresFound)rest).Position!.Offset);
    }

    // A source's own thread, as a datagram receiver's or an inotify reader's (the pool's threads never run the loop).
    private static void OnOwnThread(Action write)
    {
        Exception? failed = null;
        var thread = new Thread(() =>
        {
            try
            {
                write();
            }
            catch (Exception e)
            {
                failed = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failed is not null)
        {
            throw failed;
        }
    }

    private static FailuresFound Found(string path, long offset) =>
        new([new Failure("ssh", IPAddress.Parse("198.51.100.1"), T0, new Dictionary<string, string>(), "line", null)], new FilePosition(path, 1, 1, offset));
}
