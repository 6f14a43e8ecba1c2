using System.Diagnostics;

namespace ScanJail.Tests.Support;

/// <summary>Runs a program (argv, no shell) to its end, bounded in time, with its output.</summary>
internal static class Run
{
    public static async Task<(int Code, string Stdout, string Stderr)> Async(params string[] argv)
    {
        var start = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', argv)} did not finish within 60 s");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and fails the test on a non-zero exit; returns standard output.</summary>
    public static async Task<string> OkAsync(params string[] argv)
    {
        var (code, stdout, stderr) = await Async(argv);
        Assert.True(code == 0, $"{string.Join(' ', argv)} exited with {code}: {stderr}");
        return stdout;
    }
}
