using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ScanJail.Core.Control;

/// <summary>
/// The control socket speaks newline-delimited JSON: one request object per line, one response per line.
/// <code>
/// {"command":"ban","jail":"ssh","address":"192.0.2.7","time":"1h"}
/// {"ok":true,"result":{...}}            or   {"ok":false,"error":"...","code":"failed"}
/// </code>
/// </summary>
/// <param name="Text">
/// For <c>status JAIL</c>: the result is the text <see cref="StatusFormatter.JailStatus"/> makes, one JSON string,
/// instead of the <see cref="JailStatus"/> object. The client prints it as it comes: reading 100,000 addresses one
/// JSON token at a time cost the short-lived client more than the engine's whole answer.
/// </param>
public sealed record ControlRequest(
    string Command,
    string? Jail = null,
    string? Address = null,
    string? Time = null,
    bool All = false,
    bool Text = false);

/// <summary><paramref name="Code"/>: <c>usage</c>, <c>failed</c> or <c>forbidden</c> when not ok.</summary>
public sealed record ControlResponse(bool Ok, JsonElement? Result = null, string? Error = null, string? Code = null, IReadOnlyList<string>? Errors = null)
{
    /// <summary>
    /// The server's result before serialisation, in place of <see cref="Result"/>: written straight into the
    /// response line (<see cref="ControlProtocol.WriteLine"/>), so it is serialised once (a jail's status with
    /// 100,000 bans is a megabyte of JSON). Never sent under this name.
    /// </summary>
    [JsonIgnore]
    public object? Payload { get; init; }
}

public static class ControlProtocol
{
    /// <summary>Requests longer than this are refused without reading further.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ControlJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>
    /// <paramref name="response"/> as one JSON line (with its newline). A <see cref="ControlResponse.Payload"/>
    /// is written in place of <see cref="ControlResponse.Result"/>, giving the same text as
    /// <c>{"ok":true,"result":...}</c> made from an element, in one pass.
    /// </summary>
    public static void WriteLine(ControlResponse response, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Payload is TextResult text)
        {
            // The envelope the writer below would make, around a literal written in place (a megabyte, so no copy).
            output.Write(response.Ok ? "{\"ok\":true,\"result\":"u8 : "{\"ok\":false,\"result\":"u8);
            text.WriteLiteral(output);
            output.Write("}\n"u8);
            return;
        }
        using (var writer = new Utf8JsonWriter(output))
        {
            if (response.Payload is { } payload)
            {
                writer.WriteStartObject();
                writer.WriteBoolean("ok", response.Ok);
                writer.WritePropertyName("result");
                JsonSerializer.Serialize(writer, payload, payload.GetType(), Json);
                writer.WriteEndObject();
            }
            else
            {
                JsonSerializer.Serialize(writer, response, Json);
            }
        }
        output.Write("\n"u8);
    }
}
