using System.Text.RegularExpressions;
using ScanJail.Core.Filtering;

namespace ScanJail.Core.Tests.Filtering;

/// <summary>A filter built again (a reload, a second engine) gets the regexes already compiled for the same pattern.</summary>
public sealed class RegexCacheTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(7);

    [Fact]
    public void The_same_pattern_options_and_timeout_give_the_same_compiled_regex()
    {
        var pattern = $@"^cache-test-{Guid.NewGuid():N} from (?<host>\S+)$";
        var first = PatternCompiler.TryCompile(pattern, Timeout, out _)!;
        var second = PatternCompiler.TryCompile(pattern, Timeout, out _)!;
        Assert.Same(first.Extract, second.Extract);
        Assert.Same(first.Screen, second.Screen);
        Assert.True(second.Extract.Options.HasFlag(RegexOptions.Compiled));
        Assert.Equal("192.0.2.1", second.Extract.Match($"{pattern[1..^19]} from 192.0.2.1").Groups["host"].Value);
    }

    [Fact]
    public void Another_timeout_is_another_regex()
    {
        var pattern = $@"^cache-test-{Guid.NewGuid():N} (?<host>\S+)";
        var a = PatternCompiler.TryCompile(pattern, Timeout, out _)!;
        var b = PatternCompiler.TryCompile(pattern, TimeSpan.FromSeconds(3), out _)!;
        Assert.NotSame(a.Extract, b.Extract);
        Assert.Equal(TimeSpan.FromSeconds(3), b.Extract.MatchTimeout);
    }
}
