using System.Buffers;
using System.Text;
using System.Text.Json;
using ScanJail.Core.Control;

namespace ScanJail.Daemon.Tests.Control;

/// <summary>
/// A result written straight into the response line (<see cref="ControlResponse.Payload"/>, serialised once)
/// gives the same JSON the earlier way gave (the result made a <see cref="JsonElement"/> first, then the
/// response serialised around it), for every kind of answer the engine sends. Only the escaping may differ:
/// writing an element again escaped the '+' of a time's offset as \u002B, written once it stays '+'.
/// </summary>
public sealed class ResponseLineTests
{
    private static readonly StandInEngine Engine = new();

    public static TheoryData<string> Answers() => ["status", "ssh", "big", "banned", "stats", "report", "outcome"];

    private static object Answer(string name) => name switch
    {
        "status" => Engine.GetStatus(),
        "ssh" => Engine.GetJailStatus("ssh")!,
        "big" => Engine.GetJailStatus("big")!,
        "banned" => Engine.GetBanned(null),
        "stats" => Engine.GetStats(),
        "report" => Engine.GetScanReport(TimeSpan.FromHours(1), 50),
        _ => new ControlOutcome(false, "not banned", ["one", "two"]),
    };

    private static string Line(ControlResponse response)
    {
        var output = new ArrayBufferWriter<byte>();
        ControlProtocol.WriteLine(response, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public void A_payload_is_written_as_the_element_was(string name)
    {
        var result = Answer(name);
        var element = JsonSerializer.SerializeToElement(result, result.GetType(), ControlProtocol.Json);

        var once = Line(new ControlResponse(true) { Payload = result });
        var twice = JsonSerializer.Serialize(new ControlResponse(true, element), ControlProtocol.Json) + "\n";

        using var a = JsonDocument.Parse(once);
        using var b = JsonDocument.Parse(twice);
        Assert.True(JsonElement.DeepEquals(b.RootElement, a.RootElement), $"{twice}\n{once}");
        Assert.Equal(twice.Replace("\\u002B", "+", StringComparison.Ordinal), once);
        Assert.EndsWith("}\n", once, StringComparison.Ordinal);
        Assert.Single(once.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void An_error_is_written_as_before_and_a_payload_never_under_its_own_name()
    {
        var error = new ControlResponse(false, Error: "no such jail: x", Code: "failed");

        Assert.Equal("{\"ok\":false,\"error\":\"no such jail: x\",\"code\":\"failed\"}\n", Line(error));
        Assert.DoesNotContain("payload", JsonSerializer.Serialize(new ControlResponse(true) { Payload = Engine.GetStatus() }, ControlProtocol.Json), StringComparison.OrdinalIgnoreCase);
    }
}
