using System.Text.Json;
using System.Text.Json.Serialization;

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
internal sealed partial class ControlJsonContext : JsonSerializerContext;
