using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ScanJail.Core.Actions;

/// <summary>
/// One long-lived tool process (such as <c>nft -i</c>) that reads one transaction per line, so a ban
/// costs a line written instead of a process started (measured: about 0.2 ms against 6.6 ms). After each
/// line a marker line goes out that the tool rejects; the tool reports a rejected line on standard error
/// followed by the line itself, so reading standard error up to the marker's echo tells whether the
/// transaction before it failed, without guessing at timing. A process that dies is started again on
/// the next use. Not thread-safe: the action's queue loop owns it.
/// </summary>
internal sealed class ToolSession : IAsyncDisposable
{
    /// <summary>The marker's prefix: no tool command, so the tool rejects it by its syntax, without acting.</summary>
    public const string MarkerPrefix = "scanjail-sync-";

    private readonly IReadOnlyList<string> _argv;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private Process? _process;
    private long _marker;

    public ToolSession(IReadOnlyList<string> argv, TimeSpan timeout, TimeProvider time)
    {
        _argv = argv;
        _timeout = timeout;
        _time = time;
    }

    /// <summary>How many times the process was started (the first start included).</summary>
    public int Starts { get; private set; }

    /// <summary>Lines (transactions) written to the process so far.</summary>
    public long LinesWritten { get; private set; }

    /// <summary>The running process's id, or null when none runs.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Starts the process if none runs; null when it runs, else why it could not start.</summary>
    public string? EnsureStarted()
    {
        if (_process is { HasExited: false })
        {
            return null;
        }
        Stop();
        var start = new ProcessStartInfo(_argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        for (var i = 1; i < _argv.Count; i++)
        {
            start.ArgumentList.Add(_argv[i]);
        }
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith(TagValues.EnvironmentPrefix, StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }
        try
        {
            _process = Process.Start(start) ?? throw new Win32Exception("no process was started");
        }
        catch (Win32Exception e)
        {
            _process = null;
            return $"'{_argv[0]}' could not start: {e.Message}";
        }
        Starts++;
        _process.StandardInput.AutoFlush = false;
        // Nothing is read from standard output, but a full pipe would block the tool.
        _ = _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        return null;
    }

    /// <summary>
    /// Writes <paramref name="line"/> (one transaction) and waits for the tool's verdict. Null when it was
    /// applied; otherwise the error. When the process itself failed (<see cref="IsDeath"/>) it is stopped,
    /// and the next call starts a new one.
    /// </summary>
    public async Task<string?> RunAsync(string line, CancellationToken cancellationToken)
    {
        var startError = EnsureStarted();
        if (startError is not null)
        {
            return startError;
        }
        var process = _process!;
        var marker = MarkerPrefix + (++_marker).ToString(CultureInfo.InvariantCulture);
        using var timer = new CancellationTokenSource(_timeout, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        var lines = new List<string>();
        try
        {
            var input = process.StandardInput;
            await input.WriteAsync((line + "\n" + marker + "\n").AsMemory(), either.Token);
            await input.FlushAsync(either.Token);
            LinesWritten++;
            while (true)
            {
                var read = await process.StandardError.ReadLineAsync(either.Token);
                if (read is null)
                {
                    Stop();
                    return Died("exited", lines);
                }
                if (read == marker)
                {
                    // The caret line under the echoed marker ends the marker's report.
                    await process.StandardError.ReadLineAsync(either.Token);
                    break;
                }
                lines.Add(read);
            }
        }
        catch (OperationCanceledException)
        {
            Stop();
            return timer.IsCancellationRequested
                ? $"'{_argv[0]}' session gave no answer within {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s and was killed"
                : $"'{_argv[0]}' session was cancelled and killed";
        }
        catch (IOException e)
        {
            Stop();
            return Died(e.Message, lines);
        }
        // The last report before the echo is the marker's own rejection; anything before it is the line's.
        var own = lines.Take(Math.Max(lines.Count - 1, 0)).ToList();
        var error = own.FirstOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal));
        return error is null ? null : Shorten(string.Join(" ", own.SkipWhile(l => l != error).Take(2).Select(l => l.Trim())));
    }

    /// <summary>True for an error of <see cref="RunAsync"/> that came from the process failing, not from the tool refusing the line.</summary>
    public static bool IsDeath(string error) => error.Contains(DiedText, StringComparison.Ordinal);

    private const string DiedText = "session process died";

    private string Died(string how, List<string> lines) =>
        Shorten($"'{_argv[0]}' {DiedText} ({how}){(lines.Count > 0 ? ": " + string.Join(" ", lines.Take(2)) : "")}");

    private static string Shorten(string text) =>
        text.Length <= CommandRunner.MaxErrorLength ? text : string.Concat(text.AsSpan(0, CommandRunner.MaxErrorLength - 3), "...");

    private void Stop()
    {
        if (_process is not { } process)
        {
            return;
        }
        _process = null;
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // It exited on its own in the meantime.
        }
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                // End of input ends the tool by itself; kill only if it lingers.
                process.StandardInput.Close();
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2), _time);
            }
            catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
            {
                // Killed below.
            }
        }
        Stop();
    }
}
