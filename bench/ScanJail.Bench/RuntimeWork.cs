using System.Globalization;

namespace ScanJail.Bench;

/// <summary>
/// What the engine's runtime did during a row's measured bans (<c>runtime.*</c> in <c>stats</c>): the methods
/// .NET compiled (a just-started engine compiles its ban path on first use and recompiles hot methods in the
/// background, which is what a cold engine's slow bans are made of) and the garbage collections.
/// </summary>
internal sealed class RuntimeWork(EngineHost engine)
{
    private IReadOnlyDictionary<string, long>? _before;

    public void Start() => _before = engine.CountersOrNull();

    public void Report(string row)
    {
        var after = engine.CountersOrNull();
        if (_before is null || after is null)
        {
            return;
        }
        long Delta(string name) => after.GetValueOrDefault(name) - _before.GetValueOrDefault(name);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  (during the {row} bans: {Delta("runtime.jit.methods")} methods compiled in {Delta("runtime.jit.ms")} ms, {Delta("runtime.gc.collections")} collections)"));
    }
}
