using System.Text;
using System.Threading.Channels;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Engine;
using ScanJail.Core.Filtering;
using ScanJail.Core.Sources;
using ScanJail.Core.Tests.Filtering;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Engine;

/// <summary>
/// The engine's file sources hand their lines straight to the router (<see cref="ILineSink"/>) instead of
/// writing a <see cref="LogLine"/> per line to a channel. Pinned to the channel path on real files: the
/// same failures in the same order, the same last position, the same counts, and no position ever sent
/// ahead of a failure of an earlier line.
/// </summary>
public sealed class DirectRoutingTests : IDisposable
{
    private const int MaxLineLength = 80;
    private readonly FilterFiles _files = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("scanjail-direct-").FullName;
    private readonly IFilter _filter;
    private int _cases;

    public DirectRoutingTests() => _filter = _files.CreateValid("""
        precheck: [Failed]
        failregex: ['^Failed password for \S+ from <HOST>$']
        """);

    [Fact]
    public void Any_file_read_in_any_chunks_gives_what_the_channel_path_gives()
    {
        // Each line: a failure, a failure ending in \r\n, a line that passes the screen but misses, a screened
        // line, a line over the limit, a line with invalid UTF-8; the file is written in two appends, each read
        // to its end, and may end without a newline (flushed as a partial line); reads of 1 to 40 bytes.
        var kinds = Gen.Choose(0, 5).ArrayOf();
        var cases = Gen.Zip(Gen.Zip(kinds, ArbMap.Default.GeneratorFor<bool>()), Gen.Zip(Gen.Choose(0, 40), Gen.Choose(1, 40)));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var ((lines, partial), (split, buffer)) = c;
            var content = Content(lines, partial);
            var cut = Math.Min(content.Length, split * content.Length / 40);
            var channel = Read(content, cut, buffer, partial, direct: false);
            var direct = Read(content, cut, buffer, partial, direct: true);
            var failureEnds = FailureEnds(content);
            return direct.Failures.SequenceEqual(channel.Failures)
                && direct.Failures.Count == failureEnds.Count
                && direct.LastPosition == channel.LastPosition
                && direct.Counts == channel.Counts
                && NeverAhead(direct.Messages, failureEnds)
                && NeverAhead(channel.Messages, failureEnds);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public async Task A_line_appended_at_idle_is_sent_with_its_position_at_the_end_of_its_read()
    {
        var path = Path.Combine(_dir, "idle.log");
        await File.WriteAllTextAsync(path, "Failed password for root from 192.0.2.1\nsession opened\n");
        var inbox = Channel.CreateUnbounded<EngineMessage>();
        var counters = new EngineCounters();
        var router = Router(inbox.Writer, counters);
        var context = new ReadContext(Channel.CreateUnbounded<LogLine>().Writer, new SourceCounters(), TimeProvider.System, MaxLineLength, Screen(), sink: router);
        using var reader = FileReader.Open(path, path, TimeProvider.System);
        reader.StartAt(0);
        await reader.ReadAvailableAsync(context, null, CancellationToken.None);
        // Sent at the end of the read, before any stop: a live line does not wait for more lines.
        Assert.True(inbox.Reader.TryRead(out var first));
        var found = Assert.IsType<FailuresFound>(first);
        Assert.Equal("192.0.2.1", Assert.Single(found.Failures).Address.ToString());
        Assert.True(inbox.Reader.TryRead(out var second));
        Assert.Equal(new FileInfo(path).Length, Assert.IsType<PositionReached>(second).Position.Offset);
        Assert.Equal((2, 1, 1), (counters.LinesRead.Value, counters.LinesMatched.Value, counters.LinesMissed.Value));
    }

    public void Dispose()
    {
        _files.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Address(int i) => $"192.0.{i / 250}.{i % 250 + 1}";

    private static byte[] Content(int[] kinds, bool partial)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < kinds.Length; i++)
        {
            bytes.AddRange(kinds[i] switch
            {
                0 => Encoding.UTF8.GetBytes($"Failed password for root from {Address(i)}\n"),
                1 => Encoding.UTF8.GetBytes($"Failed password for root from {Address(i)}\r\n"),
                2 => Encoding.UTF8.GetBytes($"Failed password for root from nowhere {i}\n"),
                3 => Encoding.UTF8.GetBytes($"session opened for user root {i}\n"),
                4 => Encoding.UTF8.GetBytes($"Failed password for {new string('x', MaxLineLength)} from {Address(i)}\n"),
                _ => [.. "Failed \u00e9 "u8.ToArray(), 0xFF, 0xC3, .. Encoding.UTF8.GetBytes($"{i}\n")],
            });
        }
        if (partial)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes($"Failed password for root from {Address(kinds.Length)}"));
        }
        return [.. bytes];
    }

    // The offset after each line that is a failure, in order (the partial last line's end is the file's end).
    private static List<long> FailureEnds(byte[] content)
    {
        var ends = new List<long>();
        var start = 0;
        while (start < content.Length)
        {
            var newline = Array.IndexOf(content, (byte)'\n', start);
            var end = newline < 0 ? content.Length : newline + 1;
            var text = Encoding.UTF8.GetString(content, start, end - start).TrimEnd('\n', '\r');
            if (text.Length <= MaxLineLength && text.StartsWith("Failed password for root from 192.", StringComparison.Ordinal))
            {
                ends.Add(end);
            }
            start = end;
        }
        return ends;
    }

    // Every position sent comes after the failures of every line before it.
    private static bool NeverAhead(List<EngineMessage> messages, List<long> failureEnds)
    {
        var sent = 0;
        foreach (var message in messages)
        {
            sent += message is FailuresFound found ? found.Failures.Count : 0;
            var position = message switch { FailuresFound f => f.Position, PositionReached p => p.Position, _ => null };
            if (position is not null && failureEnds.Count(end => end <= position.Offset) > sent)
            {
                return false;
            }
        }
        return true;
    }

    private (List<string> Failures, long? LastPosition, (long, long, long, long, long, long) Counts, List<EngineMessage> Messages) Read(
        byte[] content, int cut, int buffer, bool partial, bool direct)
    {
        var path = Path.Combine(_dir, $"case-{_cases++}.log");
        File.WriteAllBytes(path, content[..cut]);
        var inbox = Channel.CreateUnbounded<EngineMessage>();
        var counters = new EngineCounters();
        var sourceCounters = new SourceCounters();
        // One fixed clock for both paths: a line without a time of its own fails at the time it was read.
        var time = new ManualTimeProvider();
        var router = new LineRouter([new JailRoute("j", _filter, TimeSpan.FromHours(1))], inbox.Writer, counters, time, replay: true);
        var lines = SourcePipeline.CreateLines(inline: false);
        var context = new ReadContext(lines.Writer, sourceCounters, time, MaxLineLength, Screen(), sink: direct ? router : null, bufferSize: buffer);
        var routing = router.RunAsync(lines.Reader);
        using (var reader = FileReader.Open(path, path, time))
        {
            reader.StartAt(0);
            reader.ReadAvailableAsync(context, null, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            using (var append = new FileStream(path, FileMode.Append))
            {
                append.Write(content, cut, content.Length - cut);
            }
            reader.ReadAvailableAsync(context, null, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (partial)
            {
                reader.FlushPartialAsync(context, null, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
        }
        lines.Writer.Complete();
        Assert.True(routing.Wait(TimeSpan.FromSeconds(30)), "the router did not finish");
        inbox.Writer.Complete();
        var messages = new List<EngineMessage>();
        while (inbox.Reader.TryRead(out var message))
        {
            messages.Add(message);
        }
        File.Delete(path);
        var failures = messages.OfType<FailuresFound>().SelectMany(f => f.Failures).Select(f => $"{f.Address} {f.Time:O} {f.Line}").ToList();
        var last = messages.Select(m => m switch { FailuresFound f => f.Position, PositionReached p => p.Position, _ => null }).LastOrDefault(p => p is not null)?.Offset;
        var counts = (counters.LinesRead.Value, counters.LinesMatched.Value, counters.LinesMissed.Value, sourceCounters.Lines.Value, sourceCounters.TooLong.Value, sourceCounters.InvalidUtf8.Value);
        return (failures, last, counts, messages);
    }

    private LineRouter Router(ChannelWriter<EngineMessage> inbox, EngineCounters counters) =>
        new([new JailRoute("j", _filter, TimeSpan.FromHours(1))], inbox, counters, TimeProvider.System, replay: true);

    private LineScreen? Screen() => LineScreen.For([_filter.RequiredLiterals]);
}
