using System.Globalization;
using System.Text;

namespace ScanJail.Core.Actions;

/// <summary>
/// Runs one argv directly (no shell): each element is exactly one argument. A command fails on a
/// non-zero exit, when it cannot start, or when it outlives its timeout (then it and its process
/// group, which its children share unless they leave it, are killed). Started by <see cref="ChildProcess"/>
/// (posix_spawn), not <c>Process.Start</c>.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Bounds the error text kept for status and logs.</summary>
    public const int MaxErrorLength = 200;

    private static readonly UTF8Encoding InputEncoding = new(encoderShouldEmitUTF8Identifier: false);

    // Read once: the engine never changes its own environment, and reading it at each start built a
    // hashtable of every variable and a string each on the engine loop, before the ban's command could
    // start (docs/latency.md, round 7: most of it on the first bans, a few hundredths of a ms after).
    // A plain loop, not LINQ: LINQ over DictionaryEntry has no precompiled code, and compiling its 22
    // methods was a fifth of what a just-started engine compiled during its first ban (round 8).
    private static readonly Lazy<string[]> Inherited = new(() =>
    {
        var variables = new List<string>();
        var entries = System.Environment.GetEnvironmentVariables().GetEnumerator();
        while (entries.MoveNext())
        {
            if (entries.Key is string name && !name.StartsWith(TagValues.EnvironmentPrefix, StringComparison.Ordinal))
            {
                variables.Add(string.Concat(name, "=", entries.Value as string ?? ""));
            }
        }
        return variables.ToArray();
    });

    /// <summary>Null when the command succeeded, else what went wrong (one line, at most <see cref="MaxErrorLength"/> characters).</summary>
    public static async Task<string?> RunAsync(
        IReadOnlyList<string> argv, IReadOnlyList<KeyValuePair<string, string>> environment, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken,
        string? stdin = null)
    {
        var program = argv[0];
        ChildProcess process;
        try
        {
            process = ChildProcess.Start(argv, Environment(environment), input: stdin is not null);
        }
        catch (ChildStartException e)
        {
            return Shorten($"'{program}' could not start: {e.Message}");
        }
        using (process)
        {
            // Without stdin text, a command waiting for input gets end-of-file at once (the null device). With it,
            // writing runs beside the reaping thread's reads, so that neither side can block the other on a full pipe.
            var input = stdin is null ? Task.CompletedTask : WriteInputAsync(new StreamWriter(process.StandardInput!, InputEncoding), stdin);

            using var timer = new CancellationTokenSource(timeout, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
            string? failure = null;
            ChildResult ended;
            try
            {
                ended = await process.Finished.WaitAsync(either.Token);
            }
            catch (OperationCanceledException)
            {
                process.KillAll();
                ended = await process.Finished;
                failure = timer.IsCancellationRequested
                    ? $"'{program}' timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s and was killed"
                    : $"'{program}' was cancelled and killed";
            }
            await input;
            var stderr = FirstLine(ended.Errors);
            if (failure is null && ended.ExitCode != 0)
            {
                failure = ended.ExitCode is { } code
                    ? $"'{program}' exited with {code.ToString(CultureInfo.InvariantCulture)}"
                    : $"'{program}' ended but its exit code was lost (another reaper took it)";
            }
            if (failure is null)
            {
                return null;
            }
            return Shorten(stderr.Length == 0 ? failure : $"{failure}: {stderr}");
        }
    }

    private static async Task WriteInputAsync(StreamWriter writer, string text)
    {
        try
        {
            await writer.WriteAsync(text.AsMemory(), CancellationToken.None);
            await writer.FlushAsync(CancellationToken.None);
            writer.Close();
        }
        catch (IOException)
        {
            // The command exited without reading everything: its exit code tells what happened.
        }
    }

    /// <summary>
    /// The engine's environment without variables of our prefix (they would pose as tags of this ban), then
    /// <paramref name="tags"/>, all of which carry the prefix (a name given twice keeps its last value).
    /// </summary>
    private static List<string> Environment(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var inherited = Inherited.Value;
        var block = new List<string>(inherited.Length + tags.Count);
        block.AddRange(inherited);
        var at = new Dictionary<string, int>(tags.Count, StringComparer.Ordinal);
        foreach (var (name, value) in tags)
        {
            var variable = string.Concat(name, "=", value);
            if (at.TryGetValue(name, out var index))
            {
                block[index] = variable;
                continue;
            }
            at[name] = block.Count;
            block.Add(variable);
        }
        return block;
    }

    /// <summary>The start of stderr's first line that is not empty, control characters as spaces.</summary>
    private static string FirstLine(string errors)
    {
        var kept = new StringBuilder();
        foreach (var c in errors)
        {
            if (c is '\n' or '\r')
            {
                if (kept.Length > 0)
                {
                    break;
                }
                continue;
            }
            if (kept.Length > MaxErrorLength)
            {
                break;
            }
            kept.Append(char.IsControl(c) ? ' ' : c);
        }
        return kept.ToString().Trim();
    }

    private static string Shorten(string text) =>
        text.Length <= MaxErrorLength ? text : string.Concat(text.AsSpan(0, MaxErrorLength - 3), "...");
}
