using System.Diagnostics;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>Runs one of the built programs (a .dll beside the tests), or a published one, to completion.</summary>
public static class Cli
{
    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(string dll, IEnumerable<string> args) =>
        RunProgramAsync("dotnet", [dll, .. args]);

    /// <summary>
    /// <paramref name="program"/> itself (a native program, such as the published scanjail-client, or a tool), in
    /// <paramref name="directory"/> when given, for at most <paramref name="patience"/> (60 s when not given).
    /// </summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunProgramAsync(string program, IEnumerable<string> args, string? directory = null, TimeSpan? patience = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory ?? "" };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
