using System.Buffers;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Client;
using ScanJail.Core.Control;

namespace ScanJail.Daemon.Tests.Client;

/// <summary>
/// The client copies a text answer to its output as the bytes arrive (<see cref="TextAnswer"/>): whatever the text,
/// and however the socket cuts it, the output must be what reading the whole line with the JSON reader gives.
/// </summary>
public sealed class TextAnswerTests
{
    // Any text, with the characters that need escapes, and the ones the serializer escapes (\u00e9, a surrogate pair).
    private static readonly Gen<string> AnyText = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
        Gen.Elements("203.0.113.9 2001:db8::7", "a\"b\\c/", "line\nbreak\u0001\u001f\t\r\b\f", "é ü \u2028 😀 <>&'+", "")).ListOf().Select(l => string.Concat(l));

    [Fact]
    public void The_engine_text_is_copied_as_the_json_reader_reads_it_however_it_is_cut()
    {
        Prop.ForAll(AnyText.ToArbitrary(), Gen.Choose(1, 40).ToArbitrary(), (text, cut) =>
        {
            var line = EngineLine(text);
            Assert.Equal(ReadWhole(line), Copied(line, cut));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_text_the_serializer_escaped_is_copied_as_the_json_reader_reads_it()
    {
        // \uXXXX for non-ASCII and HTML characters, surrogate pairs as two escapes: any JSON string is read.
        Prop.ForAll(AnyText.Where(t => !Surrogates.HasLone(t)).ToArbitrary(), Gen.Choose(1, 40).ToArbitrary(), (text, cut) =>
        {
            var line = Encoding.UTF8.GetBytes("{\"ok\":true,\"result\":" + JsonSerializer.Serialize(text) + "}\n");
            Assert.Equal(Encoding.UTF8.GetBytes(text), Copied(line, cut));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_status_of_100000_bans_is_copied_whole()
    {
        var text = string.Join(' ', Enumerable.Range(0, 100_000).Select(i => $"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}")) + "\n";
        Assert.Equal(Encoding.UTF8.GetBytes(text), Copied(EngineLine(text), 65_536));
    }

    [Theory]
    [InlineData("{\"ok\":false,\"error\":\"no such jail: x\",\"code\":\"failed\"}\nnext")]
    [InlineData("{\"ok\":true,\"result\":{\"jail\":\"ssh\"}}\n")]
    [InlineData("{\"result\":\"x\",\"ok\":true}\n")]
    [InlineData("{\"ok\": true, \"result\": \"x\"}\n")]
    [InlineData("{\"ok\"\n")]
    public void Any_other_answer_is_left_whole_for_the_json_reader(string answer)
    {
        var output = new MemoryStream();
        var line = TextAnswer.Copy(Source(Encoding.UTF8.GetBytes(answer), 7), output);

        Assert.NotNull(line);
        Assert.Equal(answer[..answer.IndexOf('\n')], Encoding.UTF8.GetString(line.Value.Span));
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void An_answer_cut_before_its_newline_or_none_at_all_is_an_io_error_never_a_copied_text()
    {
        Assert.Throws<IOException>(() => TextAnswer.Copy(Source("{\"ok\":false,\"error\":\"x\"}"u8.ToArray(), 5), new MemoryStream()));
        Assert.Throws<IOException>(() => TextAnswer.Copy(Source([], 5), new MemoryStream()));
    }

    [Theory]
    [InlineData("{\"ok\":true,\"result\":\"abc")]
    [InlineData("{\"ok\":true,\"result\":\"abc\\u00")]
    [InlineData("{\"ok\":true,\"result\":\"abc\"}")]
    public void A_text_answer_cut_short_is_an_io_error(string answer)
    {
        Assert.Throws<IOException>(() => TextAnswer.Copy(Source(Encoding.UTF8.GetBytes(answer), 3), new MemoryStream()));
    }

    [Theory]
    [InlineData("{\"ok\":true,\"result\":\"a\u0001b\"}\n")]
    [InlineData("{\"ok\":true,\"result\":\"a\\xb\"}\n")]
    [InlineData("{\"ok\":true,\"result\":\"a\\u12G4\"}\n")]
    [InlineData("{\"ok\":true,\"result\":\"a\\ud800b\"}\n")]
    [InlineData("{\"ok\":true,\"result\":\"a\\ud800\\u0041\"}\n")]
    [InlineData("{\"ok\":true,\"result\":\"a\\udc00\"}\n")]
    // The engine writes nothing after the text: whatever stands there, the answer is not the engine's.
    [InlineData("{\"ok\":true,\"result\":\"a\",\"more\":1}\n")]
    public void A_text_answer_that_is_not_json_is_a_json_error(string answer)
    {
        Assert.Throws<JsonException>(() => TextAnswer.Copy(Source(Encoding.UTF8.GetBytes(answer), 4), new MemoryStream()));
    }

    private static byte[] EngineLine(string text)
    {
        var line = new ArrayBufferWriter<byte>();
        ControlProtocol.WriteLine(new ControlResponse(true) { Payload = new TextResult(writer => writer.Write(text)) }, line);
        return line.WrittenSpan.ToArray();
    }

    private static byte[] ReadWhole(byte[] line)
    {
        var answer = ControlAnswer.Parse(line.AsMemory(0, line.Length - 1), ControlAnswer.Utf8String);
        return Assert.IsType<ReadOnlyMemory<byte>>(answer.Value).ToArray();
    }

    private static byte[] Copied(byte[] line, int cut)
    {
        var output = new MemoryStream();
        Assert.Null(TextAnswer.Copy(Source(line, cut), output));
        return output.ToArray();
    }

    // The bytes handed out at most cut at a time, as a socket may.
    private static ByteSource Source(byte[] bytes, int cut)
    {
        var at = 0;
        return into =>
        {
            var count = Math.Min(Math.Min(cut, into.Length), bytes.Length - at);
            bytes.AsSpan(at, count).CopyTo(into);
            at += count;
            return count;
        };
    }
}
