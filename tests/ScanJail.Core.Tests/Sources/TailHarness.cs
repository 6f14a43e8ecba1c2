using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using ScanJail.Core.Configuration;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Sources;

/// <summary>
/// A temporary directory, a running FileSource on the real clock and everything it emitted. The
/// engine's part (saving each line's position after counting it) is played by the reader loop.
/// </summary>
internal sealed class TailHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<LogLine> _channel = Channel.CreateBounded<LogLine>(1024);
    private Task? _run;
    private readonly bool _ownsDirectory;
    private Task? _drain;

    public TailHarness(string? directory = null)
    {
        _ownsDirectory = directory is null;
        Directory = directory ?? System.IO.Directory.CreateTempSubdirectory("scanjail-tail-").FullName;
    }

    public string Directory { get; }

    public MemoryPositionStore Positions { get; init; } = new();

    public ListLogger Logger { get; } = new();

    public ConcurrentQueue<LogLine> Lines { get; } = new();

    public FileSource? Source { get; private set; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public FileSource Start(string path, bool fromStart = false, int maxLineLength = 8192, LineScreen? screen = null)
    {
        Source = new FileSource(new FileSourceConfig(path, fromStart, maxLineLength), Positions, TimeProvider.System, Logger) { Screen = screen };
        _run = Task.Run(() => Source.RunAsync(_channel.Writer, _stop.Token));
        _drain = Task.Run(async () =>
        {
            await foreach (var line in _channel.Reader.ReadAllAsync())
            {
                Lines.Enqueue(line);
                if (line.Position is not null)
                {
                    Positions.Save(line.Position);
                }
            }
        });
        // A line appended before the source took its start offset is behind that offset (not from the start): tests
        // that append after Start rely on it having been taken, which a fixed wait did not promise on a loaded machine.
        Assert.True(Source.Started.Wait(TimeSpan.FromSeconds(30)), "the source took its start position");
        return Source;
    }

    public string[] Texts => Lines.Select(l => l.Text).ToArray();

    /// <summary>Waits (up to 10 s) for <paramref name="condition"/>; fails the test with <paramref name="what"/> otherwise.</summary>
    public static async Task WaitFor(Func<bool> condition, string what, int seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(10);
        }
    }

    public Task WaitForCount(int count) => WaitFor(() => Lines.Count >= count, $"{count} lines (have {Lines.Count})");

    /// <summary>Lets the source run a few more poll rounds, for asserting that nothing more arrives.</summary>
    public static Task Settle() => Task.Delay(FileSource.PollInterval * 4);

    public static void Append(string path, string text) => File.AppendAllText(path, text, new UTF8Encoding(false));

    public static void AppendBytes(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(bytes);
    }

    /// <summary>Stops the source and the drain; returns whether RunAsync ended normally.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run;
        }

        _channel.Writer.TryComplete();
        if (_drain is not null)
        {
            await _drain;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        if (_ownsDirectory)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
