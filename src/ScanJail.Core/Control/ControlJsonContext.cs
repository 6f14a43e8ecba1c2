using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ScanJail.Core.Control;

/// <summary>
/// The control protocol's types, their JSON code generated at build time: scanjail-client is a short-lived
/// process, and building the same by reflection on each start (with 100,000 bans in a status) cost it
/// more than the answer itself. Types not listed fall back to reflection (<see cref="ControlProtocol.Json"/>).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
[JsonSerializable(typeof(EngineStatus))]
[JsonSerializable(typeof(JailStatus))]
[JsonSerializable(typeof(List<BanInfo>))]
[JsonSerializable(typeof(IReadOnlyList<BanInfo>))]
[JsonSerializable(typeof(EngineStats))]
[JsonSerializable(typeof(ControlOutcome))]
[JsonSerializable(typeof(ScanReport))]
public sealed partial class ControlJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The generated contract of <typeparamref name="T"/>, one of the types listed above, with the options of
    /// <see cref="ControlProtocol.Json"/>: what scanjail-client reads and writes with, compiled ahead of time
    /// and trimmed, so with no reflection to fall back on.
    /// </summary>
    public static JsonTypeInfo<T> Contract<T>() =>
        Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new NotSupportedException($"{typeof(T).Name} is not one of the control protocol's generated types");
}
