using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ScanJail.Bench;

/// <summary>
/// One command run to its end on the generated file, timed from start to exit. Its standard output
/// is read through a pipe (never /dev/null: ripgrep stops at the first match when it sees /dev/null),
/// and <paramref name="summary"/> picks the result out of it; without one, the result is the number
/// of output lines.
/// </summary>
internal sealed record ProcessStage(string Name, string Program, IReadOnlyList<string> Arguments, Regex? Summary = null)
{
    public bool IsAvailable => File.Exists(Program);

    public (TimeSpan Elapsed, long Lines, string Result) Run(long lines)
    {
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Program}");
        var errors = process.StandardError.ReadToEndAsync();
        long outputLines = 0;
        string? result = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            outputLines++;
            if (result is null && Summary?.Match(line) is { Success: true } found)
            {
                result = found.Groups["result"].Value;
            }
        }
        process.WaitForExit();
        var elapsed = watch.Elapsed;
        // ripgrep exits 1 when nothing matched; anything else above 0 is a failure of the peer.
        if (process.ExitCode > 1)
        {
            throw new InvalidOperationException($"{Name} exited {process.ExitCode}: {errors.GetAwaiter().GetResult()}");
        }
        return (elapsed, lines, result ?? $"{outputLines:N0} output lines");
    }
}
