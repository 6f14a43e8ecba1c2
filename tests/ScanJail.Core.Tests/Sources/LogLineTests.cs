using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Sources;

/// <summary>A file line keeps its offset apart from the file's shared position and makes its position on demand.</summary>
public sealed class LogLineTests
{
    private static readonly FilePosition File = new("/var/log/auth.log", 8, 1234, 0);

    [Fact]
    public void A_file_line_gives_the_position_after_it()
    {
        var line = new LogLine("text", File.Path, DateTimeOffset.UnixEpoch, File, 4096);
        Assert.True(line.HasPosition);
        Assert.Equal(File with { Offset = 4096 }, line.Position);
        Assert.Equal(line.Position, line.Position);
    }

    [Fact]
    public void A_given_position_is_kept_as_given_and_a_line_without_one_has_none()
    {
        var reported = File with { Offset = 77 };
        Assert.Same(reported, new LogLine("text", File.Path, DateTimeOffset.UnixEpoch, reported).Position);
        var network = new LogLine("text", "syslog", DateTimeOffset.UnixEpoch, Origin: "gw");
        Assert.False(network.HasPosition);
        Assert.Null(network.Position);
        Assert.Equal("gw", network.Origin);
    }

    [Fact]
    public void Lines_at_different_offsets_differ()
    {
        var a = new LogLine("text", File.Path, DateTimeOffset.UnixEpoch, File, 10);
        var b = new LogLine("text", File.Path, DateTimeOffset.UnixEpoch, File, 20);
        Assert.NotEqual(a, b);
        Assert.Equal(a, new LogLine("text", File.Path, DateTimeOffset.UnixEpoch, File, 10));
    }
}
