using ScanJail.Core.Net;
using ScanJail.Core.Syslog;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Detection;
using ScanJail.Listener.Host;

namespace ScanJail.Listener.Tests.Detection;

public sealed class DetectionWarmUpTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    private static readonly SyslogMessageFormatter Formatter = new(4, "scanjail-listener", "host", 1, TimeZoneInfo.Utc);

    private static ListenerConfig Config(AlertFormat format, params string[] ignore) =>
        new([new ModeConfig(ListenMode.Atcp, PortSet.Empty, PortSet.Empty, null)], new SyslogConfig(SyslogTarget.DevLog, format, 4, "t"),
            [.. ignore.Select(i => IpNetwork.TryParse(i, out var n) ? n! : throw new ArgumentException(i))], true, true, 1,
            TimeSpan.FromMinutes(10), 100, 1000, 5000, TimeSpan.FromSeconds(1));

    [Theory]
    [InlineData(AlertFormat.Scanjail)]
    [InlineData(AlertFormat.Portsentry)]
    public void The_alert_and_the_summary_ways_are_both_taken(AlertFormat format)
    {
        // Past its tiny burst (20 alert lines) the scratch detector gathers the rest into summary lines:
        // more lines than the burst alone means both ways ran, in either alert format.
        var lines = DetectionWarmUp.Run(Config(format), new AlwaysIgnored([]), Formatter, Start);
        Assert.InRange(lines, 21, 40);
    }

    [Fact]
    public void The_listeners_ignore_list_is_only_read()
    {
        // Its sources ignored, the warm-up formats nothing, and the list is the same afterwards.
        var config = Config(AlertFormat.Scanjail, "198.18.0.0/15", "2001:2::/48");
        var ignored = new AlwaysIgnored(config.Ignore);
        var before = ignored.HostAddresses.ToList();
        Assert.Equal(0, DetectionWarmUp.Run(config, ignored, Formatter, Start));
        Assert.Equal(before, ignored.HostAddresses);
        Assert.True(ignored.Contains(System.Net.IPAddress.Parse("198.18.0.1")));
    }
}
