using System.Text;
using System.Threading.Channels;
using ScanJail.Core.Configuration;

namespace ScanJail.Core.Sources;

/// <summary>
/// Lines from the engine's standard input. One reader for the whole process pumps stdin into a
/// channel, because a read on a pipe cannot be cancelled: a reload stops and starts this source, and
/// a cancelled read would otherwise swallow a line. When stdin ends the source stops; the engine
/// keeps running (bans still expire) until it is stopped.
/// </summary>
public sealed class StdinSource(StdinSourceConfig config, TimeProvider time) : ILogSource
{
    private static readonly Lazy<Channel<string>> Input = new(StartReader, LazyThreadSafetyMode.ExecutionAndPublication);

    public string Name => "stdin";

    public SourceCounters Counters { get; } = new();

    public Task Started => Task.CompletedTask;

    public async Task RunAsync(ChannelWriter<LogLine> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            await foreach (var line in Input.Value.Reader.ReadAllAsync(cancellationToken))
            {
                if (line.Length > config.MaxLineLength)
                {
                    Counters.TooLong.Increment();
                    continue;
                }
                Counters.Lines.Increment();
                Counters.Bytes.Add(line.Length + 1);
                await output.WriteAsync(new LogLine(line, Name, time.GetUtcNow()), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal way out.
        }
    }

    private static Channel<string> StartReader()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(4096) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        _ = Task.Run(async () =>
        {
            // Invalid UTF-8 becomes U+FFFD: log text is attacker input and must never stop the reader.
            using var reader = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false, false));
            try
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    await channel.Writer.WriteAsync(line);
                }
            }
            catch (IOException)
            {
                // stdin went away (closed terminal): same as its end.
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        });
        return channel;
    }
}
