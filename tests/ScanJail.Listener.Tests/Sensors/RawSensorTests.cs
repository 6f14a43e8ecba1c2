using System.Diagnostics;
using ScanJail.Listener.Sensors;

namespace ScanJail.Listener.Tests.Sensors;

/// <summary>
/// The bound on a raw sensor's thread detecting a new source's probe while packets wait in its socket: at most
/// once every PastWaitingEvery, so a flood of spoofed sources cannot keep the thread from reading (FullRangeTests
/// and FloodTests run the whole sensor).
/// </summary>
public sealed class RawSensorTests
{
    [Fact]
    public void Detecting_past_waiting_packets_is_allowed_at_most_once_per_interval()
    {
        var every = (long)(RawSensor.PastWaitingEvery.TotalSeconds * Stopwatch.Frequency);
        var last = long.MinValue;
        var start = 1_000_000_000L;
        Assert.True(RawSensor.PastWaitingDue(ref last, start));
        Assert.False(RawSensor.PastWaitingDue(ref last, start + 1));
        Assert.False(RawSensor.PastWaitingDue(ref last, start + every - 1));
        Assert.True(RawSensor.PastWaitingDue(ref last, start + every));
        Assert.Equal(start + every, last);
        // A flood of new sources, one a microsecond for a second: about one detection per interval, never more.
        var allowed = 0;
        for (var t = 0L; t < Stopwatch.Frequency; t += Stopwatch.Frequency / 1_000_000)
        {
            allowed += RawSensor.PastWaitingDue(ref last, start + 2 * every + t) ? 1 : 0;
        }
        Assert.InRange(allowed, 1, (int)(1000 / RawSensor.PastWaitingEvery.TotalMilliseconds) + 1);
    }
}
