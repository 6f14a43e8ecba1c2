using ScanJail.Core.Engine;

namespace ScanJail.Core.Tests.Engine;

/// <summary>When the engine loop commits its batch: a ban in live mode ends it early and its checkpoint waits; a replay keeps whole batches.</summary>
public sealed class BatchCutTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void A_ban_in_live_mode_ends_the_batch_after_a_millisecond_and_a_replay_keeps_it_whole()
    {
        Assert.True(BatchCut.Ends(10, Ms(1), banned: true, replay: false));
        Assert.False(BatchCut.Ends(10, Ms(0.5), banned: true, replay: false));
        Assert.False(BatchCut.Ends(10, Ms(1), banned: true, replay: true));
        Assert.False(BatchCut.Ends(10, Ms(4.9), banned: false, replay: false));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void Every_batch_ends_at_its_message_or_time_bound(bool banned, bool replay)
    {
        Assert.True(BatchCut.Ends(BatchCut.MaxMessages, Ms(0), banned, replay));
        Assert.True(BatchCut.Ends(1, BatchCut.MaxTime, banned, replay));
        Assert.False(BatchCut.Ends(1, Ms(0), banned, replay));
    }

    [Fact]
    public void The_end_of_batch_checkpoint_waits_for_the_next_batch_when_a_live_ban_was_made_and_a_replay_leaves_it_to_the_timer()
    {
        Assert.True(BatchCut.Checkpoints(2048, 2048, banned: false, replay: false));
        Assert.False(BatchCut.Checkpoints(2048, 2048, banned: true, replay: false));
        Assert.False(BatchCut.Checkpoints(2048, 2048, banned: true, replay: true));
        Assert.False(BatchCut.Checkpoints(2047, 2048, banned: false, replay: false));
        Assert.False(BatchCut.Checkpoints(1_000_000, 2048, banned: false, replay: true));
    }
}
