using System.Buffers;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Control;

namespace ScanJail.Core.Tests.Control;

/// <summary>The text the engine writes as one JSON string must read back, with any reader, as the text written.</summary>
public sealed class JsonStringWriterTests
{
    private static readonly Gen<string> AnyText = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
        Gen.Elements("203.0.113.9 2001:db8::7", "a\"b\\c", "tab\there\nline\r\u0000\u001f\u007f", "é ü \u2028 😀 </script>", ""));

    private static string Literal(IEnumerable<string> pieces)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new JsonStringWriter(output))
        {
            foreach (var piece in pieces)
            {
                writer.Write(piece);
            }
        }
        return "\"" + Encoding.UTF8.GetString(output.WrittenSpan) + "\"";
    }

    [Fact]
    public void Any_text_in_any_pieces_reads_back_as_written()
    {
        Prop.ForAll(AnyText.ListOf().ToArbitrary(), pieces =>
        {
            var literal = Literal(pieces);
            // A lone surrogate cannot be UTF-8: it reads back as U+FFFD, as the serializer writes it.
            var expected = string.Concat(pieces.Select(piece => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(piece))));
            return JsonSerializer.Deserialize<string>(literal) == expected;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Only_what_json_requires_is_escaped()
    {
        Assert.Equal("\"a\\\"b\\\\c\\n\\t\\u0001 é </> 1.2.3.4\"", Literal(["a\"b\\c\n\t\u0001", " é </> ", "1.2.3.4"]));
    }

    [Fact]
    public void A_text_result_is_one_json_string_in_the_response_line()
    {
        var output = new ArrayBufferWriter<byte>();
        ControlProtocol.WriteLine(new ControlResponse(true) { Payload = new TextResult(text => text.Write("Status\n\t\"x\"")) }, output);

        var line = Encoding.UTF8.GetString(output.WrittenSpan);
        Assert.Equal("{\"ok\":true,\"result\":\"Status\\n\\t\\\"x\\\"\"}\n", line);
        Assert.Equal("Status\n\t\"x\"", JsonSerializer.Deserialize<ControlResponse>(line, ControlProtocol.Json)!.Result!.Value.GetString());
    }
}
