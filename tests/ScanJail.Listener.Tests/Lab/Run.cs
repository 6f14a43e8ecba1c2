using System.Diagnostics;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>Runs a command (argv, no shell) to completion, bounded in time.</summary>
public static class Run
{
    public static async Task<(int Code, string Stdout, string Stderr)> Async(string program, IEnumerable<string> args, double seconds = 120)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {seconds} s");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    public static async Task<string> CheckedAsync(string program, params string[] args)
    {
        var (code, stdout, stderr) = await Async(program, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({code}): {stderr}");
        }
        return stdout;
    }
}
