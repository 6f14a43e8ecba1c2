using System.Diagnostics;
using System.Globalization;

namespace ScanJail.Bench;

/// <summary>
/// The engine replay with the JIT settings the published <c>scanjail</c> runs with: no tiered compilation,
/// so no profile-guided recompiling (its csproj; the choice is for a just-started engine's first bans).
/// The in-process row runs under .NET's defaults, tiered with dynamic PGO, which this process cannot turn
/// off for one row: so this row runs the same stage in a child process of the bench with
/// <c>DOTNET_TieredCompilation=0</c>, one unmeasured replay and then one measured, and reads the child's own timing.
/// </summary>
internal static class PublishedJitReplay
{
    public const string ChildFlag = "--replay-child";

    public static (TimeSpan Elapsed, long Lines, string Result) Run(string log, int lines)
    {
        var start = BenchProcess.Again([ChildFlag, log, lines.ToString(CultureInfo.InvariantCulture)]);
        start.RedirectStandardOutput = true;
        start.Environment["DOTNET_TieredCompilation"] = "0";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the replay child");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var parts = output.Trim().Split('\t');
        if (process.ExitCode != 0 || parts.Length != 2)
        {
            throw new InvalidOperationException($"the replay child exited {process.ExitCode}: {output}");
        }
        return (TimeSpan.FromSeconds(double.Parse(parts[0], CultureInfo.InvariantCulture)), lines, parts[1]);
    }

    /// <summary>In the child: a warm-up replay, then the measured one, printed as "SECONDS\tRESULT".</summary>
    public static int Child(string[] args, string repoRoot)
    {
        var log = args[1];
        var lines = int.Parse(args[2], CultureInfo.InvariantCulture);
        EngineStage.Run(log, lines, repoRoot);
        var (elapsed, _, result) = EngineStage.Run(log, lines, repoRoot);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:R}\t{result}"));
        return 0;
    }
}
