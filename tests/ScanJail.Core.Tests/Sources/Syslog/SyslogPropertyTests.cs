using System.Text;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Sources.Syslog;

namespace ScanJail.Core.Tests.Sources.Syslog;

/// <summary>The syslog envelope (RFC 3164, RFC 5424) and TCP framing (octet counting, LF): never throw, and round-trip.</summary>
public sealed class SyslogPropertyTests
{
    // A header field; "-" alone is RFC 5424's nil value, read back as absent.
    private static readonly Gen<string> Word = Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789-_.".ToCharArray()).ArrayOf()
        .Where(c => c.Length > 0).Select(c => new string(c)).Where(w => w != "-");

    // Message text may hold anything but line ends; it may start with anything but a space (rsyslog's rule, see FilterText).
    private static readonly Gen<string> Text = ArbMap.Default.GeneratorFor<string>()
        .Select(s => (s ?? "").Replace('\n', ' ').Replace('\r', ' ').Replace('\0', ' ').TrimStart())
        .Select(s => "m" + s);

    [Fact]
    public void Reading_any_text_never_throws_and_its_filter_text_keeps_the_message()
    {
        var pieces = Gen.Elements("<", ">", "<13>", "<999999999999>", "1 ", "- ", "[", "]", "=\"", "\\", "\"", ":", " ", "Nov  1 10:00:01", "2026-11-21T05:21:20Z", "x", "\u00e9", "\uFEFF", "\0")
            .ListOf().Select(string.Concat);
        Prop.ForAll(Gen.OneOf(pieces, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")).ToArbitrary(), text =>
        {
            var message = SyslogParser.Read(text);
            return message.FilterText().Contains(message.Message.TrimStart(' '), StringComparison.Ordinal);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void An_rfc3164_message_round_trips()
    {
        var messages = from pri in Gen.Choose(0, 191)
                       from day in Gen.Choose(1, 28)
                       from host in Word
                       from tag in Word
                       from pid in Gen.Choose(1, 99999)
                       from text in Text
                       select (pri, $"Nov {day,2} 10:00:01", host, tag, pid, text);
        Prop.ForAll(messages.ToArbitrary(), m =>
        {
            var read = SyslogParser.Read($"<{m.pri}>{m.Item2} {m.host} {m.tag}[{m.pid}]: {m.text}");
            return read.Format == SyslogFormat.Rfc3164 && read.Priority == m.pri && read.Timestamp == m.Item2 && read.Host == m.host
                && read.AppName == m.tag && read.ProcId == m.pid.ToString(System.Globalization.CultureInfo.InvariantCulture)
                && read.FilterText() == $"{m.Item2} {m.host} {m.tag}[{m.pid}]: {m.text}";
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void An_rfc5424_message_round_trips()
    {
        var messages = from pri in Gen.Choose(0, 191)
                       from host in Word
                       from app in Word
                       from procId in Word
                       from msgId in Word
                       from text in Text
                       select (pri, host, app, procId, msgId, text);
        Prop.ForAll(messages.ToArbitrary(), m =>
        {
            var read = SyslogParser.Read($"<{m.pri}>1 2026-11-21T05:21:20.123456+00:00 {m.host} {m.app} {m.procId} {m.msgId} - {m.text}");
            return read.Format == SyslogFormat.Rfc5424 && read.Priority == m.pri && read.Host == m.host && read.AppName == m.app
                && read.ProcId == m.procId && read.MsgId == m.msgId && read.Message == m.text && read.StructuredData.Count == 0;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Octet_counted_frames_round_trip_in_any_chunking()
    {
        var frames = ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? []).Where(b => b.Length > 0).ListOf();
        Prop.ForAll(frames.ToArbitrary(), Gen.Choose(1, 64).ToArbitrary(), (messages, chunk) =>
        {
            var stream = messages.SelectMany(m => Encoding.ASCII.GetBytes($"{m.Length} ").Concat(m)).ToArray();
            var read = ReadAll(stream, 1024, chunk, out _);
            return read.Count == messages.Count && read.Zip(messages).All(p => p.First.AsSpan().SequenceEqual(p.Second));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Any_byte_stream_never_throws_and_gives_frames_within_the_limit()
    {
        var bytes = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? []),
            Gen.Elements("12 ", "0 ", "999999999999 ", "<13>", "\n", "x", "5", " ").ListOf().Select(p => Encoding.ASCII.GetBytes(string.Concat(p))));
        Prop.ForAll(bytes.ToArbitrary(), Gen.Choose(1, 16).ToArbitrary(), (stream, chunk) =>
        {
            var read = ReadAll(stream, 32, chunk, out var skipped);
            return read.All(f => f.Length <= 32) && skipped >= 0;
        }).QuickCheckThrowOnFailure();
    }

    private static List<byte[]> ReadAll(byte[] data, int max, int chunk, out long skipped)
    {
        var reader = new SyslogFrameReader(new ChunkedStream(data, chunk), max);
        var frames = new List<byte[]>();
        while (reader.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } frame)
        {
            frames.Add(frame.ToArray());
        }
        skipped = reader.TooLong;
        return frames;
    }

    // A stream that hands out at most 'chunk' bytes per read, as a TCP connection may.
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
