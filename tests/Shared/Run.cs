using System.Diagnostics;

namespace ScanJail.Tests.Support;

/// <summary>Runs a program (argv, no shell) to its end, bounded in time, with its output.</summary>
internal static class Run
{
    /// <summary>argv[0] with the rest as its arguments, within 60 s.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> Async(params string[] argv) => Async(argv[0], argv.Skip(1), 60);

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

    /// <summary>Runs and fails the test on a non-zero exit; returns standard output.</summary>
    public static async Task<string> OkAsync(params string[] argv)
    {
        var (code, stdout, stderr) = await Async(argv);
        Assert.True(code == 0, $"{string.Join(' ', argv)} exited with {code}: {stderr}");
        return stdout;
    }

    /// <summary>Runs within 120 s and throws on a non-zero exit (for set-up steps outside a test's assertions); returns standard output.</summary>
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
