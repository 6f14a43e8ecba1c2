namespace ScanJail.Core.Diagnostics;

/// <summary>A thread-safe running count, for <c>stats</c>.</summary>
public sealed class Counter
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);
}
