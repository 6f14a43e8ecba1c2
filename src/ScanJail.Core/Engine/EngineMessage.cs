using ScanJail.Core.Jails;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Engine;

/// <summary>What reaches the engine loop, in order. The loop is the only owner of counting and ban state.</summary>
internal abstract record EngineMessage;

/// <summary>A failure from a filter; <paramref name="Position"/> is the source's position after its line, when this is the line's last message.</summary>
internal sealed record FailureFound(Failure Failure, FilePosition? Position) : EngineMessage;

/// <summary>
/// The failures of consecutive lines, in order; <paramref name="Position"/> is the source's position
/// after the last of those lines. One message for many: a loop woken per failure spent more on the
/// wake-up than on the counting. The loop gives the list back to <paramref name="Spares"/> once counted.
/// </summary>
internal sealed record FailuresFound(List<Failure> Failures, FilePosition? Position, FailureBatches? Spares = null) : EngineMessage;

/// <summary>Every line up to this position has been matched and its failures sent.</summary>
internal sealed record PositionReached(FilePosition Position) : EngineMessage;

/// <summary>Work to run on the loop (control commands, timers).</summary>
internal sealed record LoopWork(Action Work) : EngineMessage;
