using System.Text;
using ScanJail.Core.Sources.Syslog;

namespace ScanJail.Core.Tests.Sources.Syslog;

public sealed class SyslogFrameReaderTests
{
    [Fact]
    public async Task Splits_octet_counted_frames_that_hold_line_feeds()
    {
        var frames = await ReadAll("10 <13>a\nb: c5 <13>d", 100);

        Assert.Equal(["<13>a\nb: c", "<13>d"], frames);
    }

    [Fact]
    public async Task Splits_line_framed_messages_and_keeps_a_last_unterminated_one()
    {
        var frames = await ReadAll("<13>a: b\n<13>c: d\n<13>e", 100);

        Assert.Equal(["<13>a: b", "<13>c: d", "<13>e"], frames);
    }

    [Fact]
    public async Task Skips_and_counts_messages_over_the_limit_in_both_framings()
    {
        var (lines, skipped) = await ReadAllCounting("<13>" + new string('x', 300) + "\n<13>ok\n", 256);
        Assert.Equal(["<13>ok"], lines);
        Assert.Equal(1, skipped);

        (lines, skipped) = await ReadAllCounting("304 <13>" + new string('x', 300) + "6 <13>ok", 256);
        Assert.Equal(["<13>ok"], lines);
        Assert.Equal(1, skipped);
    }

    [Fact]
    public async Task Arbitrary_chunking_gives_the_same_frames()
    {
        var text = string.Concat(Enumerable.Range(0, 50).Select(i => $"{$"<13>m{i}".Length} <13>m{i}"));
        var whole = await ReadAll(text, 100);
        var dribbled = await ReadAll(text, 100, chunk: 3);

        Assert.Equal(50, whole.Count);
        Assert.Equal(whole, dribbled);
    }

    private static async Task<List<string>> ReadAll(string text, int max, int chunk = int.MaxValue) => (await ReadAllCounting(text, max, chunk)).Lines;

    private static async Task<(List<string> Lines, long Skipped)> ReadAllCounting(string text, int max, int chunk = int.MaxValue)
    {
        var reader = new SyslogFrameReader(new ChunkedStream(Encoding.UTF8.GetBytes(text), chunk), max);
        var lines = new List<string>();
        while (await reader.ReadAsync(CancellationToken.None) is { } frame)
        {
            lines.Add(Encoding.UTF8.GetString(frame.Span));
        }
        return (lines, reader.TooLong);
    }

    // A stream that hands out at most 'chunk' bytes per read, as a TCP connection may.
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
