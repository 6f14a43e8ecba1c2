using System.Diagnostics;

namespace ScanJail.Bench;

/// <summary>
/// The latency table and the soak run in a child of the bench whose runtime stays out of the way of the engine it
/// measures: no tiered compilation (the bench's own methods were recompiled on a background thread during the first
/// measured row, for milliseconds at a time, on one of the 2 cores) and no spinning pool threads. The engine is
/// started without these two settings (<see cref="NotForTheEngine"/>): it runs with its own.
/// </summary>
internal static class QuietRuntime
{
    private const string Marker = "SCANJAIL_BENCH_QUIET";
    private const string AddedList = "SCANJAIL_BENCH_QUIET_ADDED";

    private static readonly (string Name, string Value)[] Settings =
    [
        ("DOTNET_TieredCompilation", "0"),
        ("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0"),
    ];

    /// <summary>The variables the relaunch set (those the caller had not set itself) and its own two: left out of the engine's environment.</summary>
    public static IReadOnlyList<string> NotForTheEngine { get; } =
    [
        Marker,
        AddedList,
        .. Environment.GetEnvironmentVariable(AddedList) is { Length: > 0 } names ? names.Split(',') : [],
    ];

    /// <summary>Runs this bench again with the quiet settings and returns its exit code; null when this is that run.</summary>
    public static int? Relaunch(string[] args)
    {
        if (Environment.GetEnvironmentVariable(Marker) is not null)
        {
            return null;
        }
        var start = BenchProcess.Again(args);
        var added = new List<string>();
        foreach (var (name, value) in Settings)
        {
            if (Environment.GetEnvironmentVariable(name) is null)
            {
                start.Environment[name] = value;
                added.Add(name);
            }
        }
        start.Environment[Marker] = "1";
        start.Environment[AddedList] = string.Join(',', added);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("cannot start the bench again");
        child.WaitForExit();
        return child.ExitCode;
    }
}
