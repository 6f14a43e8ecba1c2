using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ScanJail.Core.Actions;

/// <summary>
/// Runs one argv directly (no shell): each element is exactly one argument. A command fails on a
/// non-zero exit, when it cannot start, or when it outlives its timeout (then its whole process
/// tree is killed).
/// </summary>
internal static class CommandRunner
{
    /// <summary>Bounds the error text kept for status and logs.</summary>
    public const int MaxErrorLength = 200;

    // Output still held open by a process that escaped the tree (for example a daemon) must not hang the queue.
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(2);

    /// <summary>Null when the command succeeded, else what went wrong (one line, at most <see cref="MaxErrorLength"/> characters).</summary>
    public static async Task<string?> RunAsync(
        IReadOnlyList<string> argv, IReadOnlyList<KeyValuePair<string, string>> environment, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken,
        string? stdin = null)
    {
        var program = argv[0];
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        for (var i = 1; i < argv.Count; i++)
        {
            start.ArgumentList.Add(argv[i]);
        }
        // Variables of the engine's own environment with our prefix would pose as tags of this ban.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith(TagValues.EnvironmentPrefix, StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process was started");
        }
        catch (Win32Exception e)
        {
            return Shorten($"'{program}' could not start: {e.Message}");
        }
        using (process)
        {
            // Without stdin text, a command waiting for input gets end-of-file at once. With it, writing runs
            // beside the reads so that neither side can block the other on a full pipe.
            var input = WriteInputAsync(process.StandardInput, stdin);
            var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
            var errors = KeepStartAsync(process.StandardError);

            using var timer = new CancellationTokenSource(timeout, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
            string? failure = null;
            try
            {
                await process.WaitForExitAsync(either.Token);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                await process.WaitForExitAsync(CancellationToken.None);
                failure = timer.IsCancellationRequested
                    ? $"'{program}' timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s and was killed"
                    : $"'{program}' was cancelled and killed";
            }
            string stderr;
            try
            {
                await Task.WhenAll(output, errors).WaitAsync(OutputGrace, time, CancellationToken.None);
                stderr = await errors;
            }
            catch (TimeoutException)
            {
                stderr = errors.IsCompletedSuccessfully ? errors.Result : "";
            }
            await input;
            if (failure is null && process.ExitCode != 0)
            {
                failure = $"'{program}' exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)}";
            }
            if (failure is null)
            {
                return null;
            }
            return Shorten(stderr.Length == 0 ? failure : $"{failure}: {stderr}");
        }
    }

    private static async Task WriteInputAsync(StreamWriter writer, string? text)
    {
        try
        {
            if (text is not null)
            {
                await writer.WriteAsync(text.AsMemory(), CancellationToken.None);
                await writer.FlushAsync(CancellationToken.None);
            }
            writer.Close();
        }
        catch (IOException)
        {
            // The command exited without reading everything: its exit code tells what happened.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It exited on its own in the meantime.
        }
    }

    /// <summary>Reads stderr to its end (so the command never blocks on a full pipe), keeping the start of the first line.</summary>
    private static async Task<string> KeepStartAsync(StreamReader reader)
    {
        var kept = new StringBuilder();
        var buffer = new char[1024];
        var lineDone = false;
        int n;
        while ((n = await reader.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            for (var i = 0; i < n && !lineDone && kept.Length <= MaxErrorLength; i++)
            {
                var c = buffer[i];
                if (c is '\n' or '\r')
                {
                    lineDone = kept.Length > 0;
                    continue;
                }
                kept.Append(char.IsControl(c) ? ' ' : c);
            }
        }
        return kept.ToString().Trim();
    }

    private static string Shorten(string text) =>
        text.Length <= MaxErrorLength ? text : string.Concat(text.AsSpan(0, MaxErrorLength - 3), "...");
}
