using System.Runtime.InteropServices;

namespace ScanJail.Core.Diagnostics;

/// <summary>A thread-safe running count, for <c>stats</c>.</summary>
/// <remarks>
/// The count sits 56 bytes into the object, so two counters made one after the other (as EngineCounters
/// makes them) never share a 64-byte cache line: the router's thread counts lines while the loop's thread
/// counts failures, and counters side by side made each increment wait for the other core's copy of the line.
/// </remarks>
[StructLayout(LayoutKind.Explicit)]
public sealed class Counter
{
    [FieldOffset(56)]
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);
}
