using System.Net;
using ScanJail.Core.Engine;
using ScanJail.Core.Jails;

namespace ScanJail.Core.Tests.Engine;

/// <summary>The routers' spare batch lists: given back by the loop, handed out again empty, bounded.</summary>
public sealed class FailureBatchesTests
{
    private static readonly Failure Sample = new("sshd", IPAddress.Parse("192.0.2.1"), DateTimeOffset.UnixEpoch, new Dictionary<string, string>(), "line");

    [Fact]
    public void A_list_given_back_is_handed_out_again_empty()
    {
        var spares = new FailureBatches();
        var first = spares.Take(4);
        first.Add(Sample);
        first.Add(Sample);
        spares.Return(first);
        var again = spares.Take(4);
        Assert.Same(first, again);
        Assert.Empty(again);
        // None is back now: a new one.
        Assert.NotSame(first, spares.Take(4));
    }

    [Fact]
    public void No_more_spares_are_kept_than_a_lane_holds_messages_and_two()
    {
        var spares = new FailureBatches();
        var lists = Enumerable.Range(0, EngineInbox.LaneCapacity + 10).Select(_ => new List<Failure> { Sample }).ToList();
        lists.ForEach(spares.Return);
        var handedOut = Enumerable.Range(0, lists.Count).Select(_ => spares.Take(1)).ToList();
        Assert.Equal(EngineInbox.LaneCapacity + 2, handedOut.Count(l => lists.Any(o => ReferenceEquals(o, l))));
        Assert.All(handedOut, l => Assert.Empty(l));
    }
}
