using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScanJail.Core.Control;

/// <summary>
/// The control socket speaks newline-delimited JSON: one request object per line, one response per line.
/// <code>
/// {"command":"ban","jail":"ssh","address":"192.0.2.7","time":"1h"}
/// {"ok":true,"result":{...}}            or   {"ok":false,"error":"...","code":"failed"}
/// </code>
/// </summary>
public sealed record ControlRequest(
    string Command,
    string? Jail = null,
    string? Address = null,
    string? Time = null,
    bool All = false);

/// <summary><paramref name="Code"/>: <c>usage</c>, <c>failed</c> or <c>forbidden</c> when not ok.</summary>
public sealed record ControlResponse(bool Ok, JsonElement? Result = null, string? Error = null, string? Code = null, IReadOnlyList<string>? Errors = null);

public static class ControlProtocol
{
    /// <summary>Requests longer than this are refused without reading further.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };
}
