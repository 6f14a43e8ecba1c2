using System.Buffers;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Client;
using ScanJail.Core.Actions;
using ScanJail.Core.Control;
using ScanJail.Daemon.Tests.Control;

namespace ScanJail.Daemon.Tests.Client;

/// <summary>
/// The client writes requests and reads answers without the serializer (<see cref="ControlClient.WriteRequest"/>,
/// <see cref="ControlAnswer"/>): what it writes and what it reads must stay the
/// JSON the engine's serializer reads and writes, for any text, including control characters and escapes.
/// </summary>
public sealed class ControlAnswerTests
{
    private static readonly Gen<string> AnyText = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
        Gen.Elements("203.0.113.9", "2001:db8::7", "a\"b\\c", "line\nbreak\u0001", "é ü \u2028 😀", "", "+01:00").Select(s => s));

    private static readonly Gen<string?> MaybeText = Gen.OneOf(AnyText.Select(s => (string?)s), Gen.Constant((string?)null));

    private static readonly Gen<DateTimeOffset?> MaybeTime = Gen.OneOf(
        Gen.Choose(0, 1_000_000).Select(s => (DateTimeOffset?)new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(s % 3 - 1)).AddSeconds(s)),
        Gen.Constant((DateTimeOffset?)null));

    private static readonly Gen<ActionHealth> AnyHealth =
        from action in AnyText
        from counts in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), 4)
        from error in MaybeText
        from at in MaybeTime
        select new ActionHealth(action, counts[0] * 3L, counts[1], counts[2], counts[3], error, at, counts[0] % 2);

    private static readonly Gen<JailStatus> AnyStatus =
        from jail in AnyText
        from counts in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), 4)
        from sources in AnyText.ListOf()
        from banned in AnyText.ListOf()
        from actions in AnyHealth.ListOf()
        from origins in Gen.OneOf(
            Gen.Constant((IReadOnlyList<OriginInfo>?)null),
            (from origin in AnyText from failures in Gen.Choose(0, 1000) from b in AnyText.ListOf() select new OriginInfo(origin, failures, [.. b]))
                .ListOf().Select(o => (IReadOnlyList<OriginInfo>?)[.. o]))
        select new JailStatus(jail, counts[0], counts[1] * 5L, [.. sources], counts[2], counts[3] * 7L, [.. banned], [.. actions]) { Origins = origins };

    private static string Serialized(object value) => JsonSerializer.Serialize(value, value.GetType(), ControlProtocol.Json);

    [Fact]
    public void A_request_reads_back_as_the_request_it_was()
    {
        // No lone surrogates: the client's strings come from its command line, which never has one (see below).
        var whole = AnyText.Where(s => !Surrogates.HasLone(s));
        var maybe = Gen.OneOf(whole.Select(s => (string?)s), Gen.Constant((string?)null));
        var requests =
            from command in whole
            from jail in maybe
            from address in maybe
            from time in maybe
            from all in ArbMap.Default.GeneratorFor<bool>()
            from text in ArbMap.Default.GeneratorFor<bool>()
            select new ControlRequest(command, jail, address, time, all, text);
        Prop.ForAll(requests.ToArbitrary(), request =>
        {
            var line = new ArrayBufferWriter<byte>();
            ControlClient.WriteRequest(request, line);
            var text = Encoding.UTF8.GetString(line.WrittenSpan);
            return text.EndsWith('\n') && text.IndexOf('\n') == text.Length - 1
                && JsonSerializer.Deserialize<ControlRequest>(text, ControlProtocol.Json) == request;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_request_escapes_only_what_json_requires_and_leaves_nulls_out()
    {
        var line = new ArrayBufferWriter<byte>();
        ControlClient.WriteRequest(new ControlRequest("status", Jail: "a\"b\\c\n<é>+", Text: true), line);

        Assert.Equal("{\"command\":\"status\",\"jail\":\"a\\\"b\\\\c\\n<é>+\",\"all\":false,\"text\":true}\n", Encoding.UTF8.GetString(line.WrittenSpan));
    }

    [Fact]
    public void A_lone_surrogate_in_a_request_is_sent_as_the_replacement_character()
    {
        // What .NET makes of a command line's bytes that are not UTF-8 is U+FFFD already; a lone surrogate can
        // only come from code, and is sent as the serializer's UTF-8 writer sends it.
        var line = new ArrayBufferWriter<byte>();
        ControlClient.WriteRequest(new ControlRequest("status", Jail: "x\ud800y"), line);

        Assert.Equal("x\ufffdy", JsonSerializer.Deserialize<ControlRequest>(line.WrittenSpan, ControlProtocol.Json)!.Jail);
    }

    [Fact]
    public void A_jail_status_text_reads_back_as_the_formatter_wrote_it()
    {
        Prop.ForAll(AnyStatus.ToArbitrary(), status =>
        {
            // What the engine answers to a text request, read the way the client reads it.
            var text = StatusFormatter.JailStatus(status);
            var answer = ControlAnswer.Parse(Line(new ControlResponse(true) { Payload = text }), ControlAnswer.Utf8String);
            return answer.Value is ReadOnlyMemory<byte> bytes && Encoding.UTF8.GetString(bytes.Span) == text;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void An_answer_keeps_its_result_as_the_engine_sent_it_and_reads_the_envelope()
    {
        var status = new StandInEngine().Ssh;
        var line = Line(new ControlResponse(true) { Payload = status });

        var answer = ControlAnswer.Parse(line);

        Assert.True(answer.Ok);
        Assert.Equal(Serialized(status), Encoding.UTF8.GetString(answer.Result.Span));
        Assert.Null(answer.Error);
    }

    [Fact]
    public void A_status_text_is_read_in_the_same_pass_as_its_answer_and_its_json_kept()
    {
        var text = StatusFormatter.JailStatus(new StandInEngine().Big);
        var line = Line(new ControlResponse(true) { Payload = text });

        var answer = ControlAnswer.Parse(line, ControlAnswer.Utf8String);

        var read = Assert.IsType<ReadOnlyMemory<byte>>(answer.Value);
        Assert.Equal(text, Encoding.UTF8.GetString(read.Span));
        Assert.Equal(Serialized(text), Encoding.UTF8.GetString(answer.Result.Span));
    }

    [Theory]
    [InlineData("""{"ok":true,"result":{"jail":"ssh"}}""", """{"jail":"ssh"}""")]
    [InlineData("""{"ok":true,"result":["not","a","status"]}""", """["not","a","status"]""")]
    [InlineData("""{"ok":true,"result":5}""", "5")]
    [InlineData("""{"result":"read later","ok":true}""", "\"read later\"")]
    public void A_result_the_reader_cannot_read_then_is_kept_as_text_with_no_value(string line, string result)
    {
        var answer = ControlAnswer.Parse(Encoding.UTF8.GetBytes(line), ControlAnswer.Utf8String);

        Assert.True(answer.Ok);
        Assert.Null(answer.Value);
        Assert.Equal(result, Encoding.UTF8.GetString(answer.Result.Span));
    }

    [Fact]
    public void An_error_answer_is_never_given_to_the_reader()
    {
        var answer = ControlAnswer.Parse(Encoding.UTF8.GetBytes("""{"ok":false,"result":{"jail":"x"},"error":"no"}"""), ControlAnswer.Utf8String);

        Assert.False(answer.Ok);
        Assert.Null(answer.Value);
        Assert.Equal("no", answer.Error);
    }

    [Fact]
    public void An_error_answer_carries_its_message_code_and_errors()
    {
        var line = Line(new ControlResponse(false, Error: "refused \"x\"\n", Code: "usage", Errors: ["one", "t\u00e9o"]));

        var answer = ControlAnswer.Parse(line);

        Assert.False(answer.Ok);
        Assert.True(answer.Result.IsEmpty);
        Assert.Equal("refused \"x\"\n", answer.Error);
        Assert.Equal("usage", answer.Code);
        Assert.Equal(["one", "t\u00e9o"], answer.Errors);
    }

    [Fact]
    public void An_answer_skips_unknown_properties_wherever_they_stand()
    {
        var answer = ControlAnswer.Parse(Encoding.UTF8.GetBytes("""{"first":[{"ok":false}],"result":{"jail":"a"},"ok":true,"last":null}"""));

        Assert.True(answer.Ok);
        Assert.Equal("""{"jail":"a"}""", Encoding.UTF8.GetString(answer.Result.Span));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1]")]
    [InlineData("""{"ok":true""")]
    [InlineData("""{"ok":true,"error":5}""")]
    [InlineData("""{"ok":true}{""")]
    [InlineData("""{"ok":true,"result":{"jail":"x",}}""")]
    [InlineData("{\"ok\":true,\"result\":{\"jail\":\"x\",\"bannedAddresses\":[\"1.2.3.4\"")]
    public void A_broken_answer_is_a_json_error(string line)
    {
        Assert.ThrowsAny<JsonException>(() => ControlAnswer.Parse(Encoding.UTF8.GetBytes(line)));
        Assert.ThrowsAny<JsonException>(() => ControlAnswer.Parse(Encoding.UTF8.GetBytes(line), ControlAnswer.Utf8String));
    }

    private static byte[] Line(ControlResponse response)
    {
        var output = new ArrayBufferWriter<byte>();
        ControlProtocol.WriteLine(response, output);
        return output.WrittenSpan[..^1].ToArray();
    }
}
