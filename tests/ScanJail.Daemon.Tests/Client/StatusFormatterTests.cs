using ScanJail.Client;
using ScanJail.Core.Actions;
using ScanJail.Core.Control;
using ScanJail.Daemon.Tests.Control;
using ScanJail.Tests.Support;

namespace ScanJail.Daemon.Tests.Client;

public sealed class StatusFormatterTests
{
    private static readonly StandInEngine Engine = new();

    [Fact]
    public void Status()
    {
        Golden.Verify(StatusFormatter.Status(Engine.Status), "StatusFormatterTests.Status");
    }

    [Fact]
    public void JailStatus()
    {
        var healthy = Engine.Ssh with { Actions = [new ActionHealth("record", 4, 0, 0, 0, null, null)] };

        Golden.Verify(StatusFormatter.JailStatus(healthy), "StatusFormatterTests.JailStatus");
    }

    [Fact]
    public void JailStatusWithFailingActions()
    {
        var status = Engine.Ssh with
        {
            BannedAddresses = ["203.0.113.9", "2001:db8::7"],
            CurrentlyBanned = 2,
            Actions =
            [
                new ActionHealth("log", 6, 0, 0, 0, null, null),
                new ActionHealth("record", 4, 2, 1, 1, "exit code 1: disk full", StandInEngine.Start),
                new ActionHealth("mail", 0, 0, 3, 3, null, null),
            ],
        };

        Golden.Verify(StatusFormatter.JailStatus(status), "StatusFormatterTests.JailStatusWithFailingActions");
    }

    [Fact]
    public void JailStatusWithOrigins()
    {
        var status = Engine.Ssh with
        {
            Sources = ["tcp://127.0.0.1:6514", "udp://127.0.0.1:5514"],
            BannedAddresses = ["203.0.113.9"],
            CurrentlyBanned = 1,
            Actions = [new ActionHealth("record", 1, 0, 0, 0, null, null)],
            Origins =
            [
                new OriginInfo("mail1 (192.0.2.25)", 2, []),
                new OriginInfo("web1 (192.0.2.10)", 3, ["203.0.113.9"]),
                new OriginInfo("web2\n(forged)", 1, []),
            ],
        };

        Golden.Verify(StatusFormatter.JailStatus(status), "StatusFormatterTests.JailStatusWithOrigins");
    }

    [Fact]
    public void A_jail_with_nothing_yet()
    {
        var empty = new JailStatus("web", 0, 0, [], 0, 0, [], []);

        Golden.Verify(StatusFormatter.JailStatus(empty), "StatusFormatterTests.EmptyJailStatus");
    }

    [Fact]
    public void Banned()
    {
        Golden.Verify(StatusFormatter.Banned(Engine.Bans, TimeZoneInfo.Utc), "StatusFormatterTests.Banned");
    }

    [Fact]
    public void Banned_shows_times_in_the_given_zone()
    {
        var plusTwo = TimeZoneInfo.CreateCustomTimeZone("test+2", TimeSpan.FromHours(2), "test+2", "test+2");

        var text = StatusFormatter.Banned(Engine.Bans, plusTwo);

        Assert.Contains("2026-11-21 12:00:00  2026-11-21 12:10:00", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_banned()
    {
        Assert.Equal("No address is banned.\n", StatusFormatter.Banned([], TimeZoneInfo.Utc));
    }

    [Fact]
    public void Stats()
    {
        Golden.Verify(StatusFormatter.Stats(Engine.Stats, TimeZoneInfo.Utc), "StatusFormatterTests.Stats");
    }

    [Fact]
    public void Control_characters_from_the_engine_stay_on_one_line()
    {
        var hostile = Engine.Ssh with { Actions = [new ActionHealth("record", 0, 1, 0, 0, "boom\n\u001b[31mStatus for the jail: fake", null)] };

        var text = StatusFormatter.JailStatus(hostile);

        Assert.Contains("last error: boom??[31mStatus for the jail: fake\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', text);
    }
}
