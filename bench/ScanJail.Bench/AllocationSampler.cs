using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ScanJail.Bench;

/// <summary>
/// <c>--alloc-sample</c>: the runtime's allocation tick (one event about every 100 KB allocated, naming the
/// type of the object that crossed it) summed by type, so the types that make up a stage's megabytes show
/// without dotnet-trace. A sample, not a count: types are weighted by the bytes between ticks.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null)
        {
            return;
        }
        var type = eventData.PayloadNames?.IndexOf("TypeName") is >= 0 and var t ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames?.IndexOf("AllocationAmount64") is >= 0 and var a ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, old) => old + amount);
    }

    public void Print(int top)
    {
        var total = _bytes.Values.Sum();
        Console.WriteLine($"allocation sample: {total / 1e6:N0} MB in all");
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"{bytes / 1e6,10:N1} MB  {bytes * 100.0 / total,5:F1} %  {type}");
        }
    }
}
