using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Configuration;

namespace ScanJail.Core.Sources.Journald;

/// <summary>
/// Follows the journal through <c>journalctl -f -o json MATCH...</c> (an argv, no shell). It starts
/// after the cursor saved in the database, or at the journal's end the first time. The cursor of the
/// last line handed on is saved every second and at stop; lines handed on are counted before the
/// engine stops, but after a crash up to a second of lines can be skipped. If journalctl exits,
/// it is started again after <see cref="RestartDelay"/>, from the last cursor.
/// </summary>
public sealed class JournaldSource(JournaldSourceConfig config, ICursorStore cursors, TimeProvider time, ILogger logger) : ILogSource
{
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(1);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _cursor;
    private string? _saved;

    public string Name => config.Key;

    public SourceCounters Counters { get; } = new();

    public Task Started => _started.Task;

    public async Task RunAsync(ChannelWriter<LogLine> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        _cursor = _saved = cursors.LoadCursor(config.Key);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await FollowAsync(output, cancellationToken);
                Counters.Errors.Increment();
                await Task.Delay(RestartDelay, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal way out.
        }
        finally
        {
            _started.TrySetResult();
            Save();
        }
    }

    /// <summary>The argv: follow, JSON, from the cursor (or from now), then the matches.</summary>
    internal IReadOnlyList<string> Arguments(string? cursor) =>
        ["-f", "-o", "json", "--no-pager", .. cursor is null ? (string[])["-n", "0"] : [$"--after-cursor={cursor}"], .. config.Matches];

    private async Task FollowAsync(ChannelWriter<LogLine> output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(config.Journalctl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(_cursor))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            logger.LogError("Cannot run {Program} for {Source}: {Reason}", config.Journalctl, Name, e.Message);
            _started.TrySetResult();
            return;
        }
        logger.LogInformation("Following the journal: {Program} {Arguments}", config.Journalctl, string.Join(' ', start.ArgumentList));
        _started.TrySetResult();
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var lastSave = time.GetTimestamp();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } json)
            {
                if (JournalEntry.Read(json) is not { } entry)
                {
                    continue;
                }
                Counters.Lines.Increment();
                Counters.Bytes.Add(json.Length + 1);
                await output.WriteAsync(new LogLine(entry.FilterText(), Name, time.GetUtcNow(), Origin: entry.Host), cancellationToken);
                _cursor = entry.Cursor;
                if (time.GetElapsedTime(lastSave) >= SaveEvery)
                {
                    Save();
                    lastSave = time.GetTimestamp();
                }
            }
            await process.WaitForExitAsync(cancellationToken);
            logger.LogError("{Program} for {Source} exited with {Code}: {Errors}; starting it again in {Delay}",
                config.Journalctl, Name, process.ExitCode, (await errors).Trim(), RestartDelay);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None);
            }
            Save();
        }
    }

    private void Save()
    {
        if (_cursor is { } cursor && cursor != _saved)
        {
            try
            {
                cursors.SaveCursor(config.Key, cursor);
                _saved = cursor;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.Data.Common.DbException)
            {
                Counters.Errors.Increment();
                logger.LogError("Cannot save the journal cursor of {Source}: {Reason}", Name, e.Message);
            }
        }
    }
}
