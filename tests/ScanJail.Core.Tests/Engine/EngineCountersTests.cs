using System.Runtime.CompilerServices;
using ScanJail.Core.Engine;

namespace ScanJail.Core.Tests.Engine;

public sealed class EngineCountersTests
{
    [Fact]
    public void Stats_carry_the_runtimes_compiled_methods_and_collections()
    {
        var before = new EngineCounters().Snapshot();
        Assert.Equal(42, NeverCalledBefore(41));
        GC.Collect(0);
        var after = new EngineCounters().Snapshot();

        Assert.True(before["runtime.jit.methods"] > 0, "a running process has compiled methods");
        Assert.True(after["runtime.jit.methods"] > before["runtime.jit.methods"], "a method run for the first time is compiled");
        Assert.True(after["runtime.jit.ms"] >= before["runtime.jit.ms"]);
        Assert.True(after["runtime.gc.collections"] > before["runtime.gc.collections"], "the collection made between is counted");
    }

    // A method of its own, run once here: compiling it is the runtime's work the counter must show.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int NeverCalledBefore(int value) => value + 1;
}
