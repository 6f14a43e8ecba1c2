using System.Globalization;
using System.Text.RegularExpressions;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// <c>scanjail run</c> collects its start's garbage once, compacted, before it says it is ready, so the first bans
/// do not pay for it (RunCommand.CollectStartGarbage; docs/performance.md, round 14).
/// </summary>
public sealed partial class StartCollectionTests : IDisposable
{
    private readonly TestConfig _config = new TestConfig().WithAcceptanceJail();

    [Fact]
    public async Task The_start_s_garbage_is_collected_before_ready_and_the_heap_shrinks()
    {
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        var output = engine.Output;
        var collected = Collected().Match(output);
        Assert.True(collected.Success, output);
        Assert.True(collected.Index < output.IndexOf("Ready:", StringComparison.Ordinal), $"collected after Ready:\n{output}");
        long Kb(string group) => long.Parse(collected.Groups[group].Value, CultureInfo.InvariantCulture);
        Assert.True(Kb("after") < Kb("before"), collected.Value);
    }

    public void Dispose() => _config.Dispose();

    [GeneratedRegex(@"the start's garbage collected in \d+ ms, managed heap (?<before>\d+) KB before, (?<after>\d+) KB after")]
    private static partial Regex Collected();
}
