using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// Issue 8, point 3: each rotation mode, four times, while a writer keeps appending a few thousand lines a
/// second, as a syslog daemon does (it keeps its file open and opens the path again when told to).
/// Every line is one failure of its own address (its sequence number), so the failures the engine
/// saved must be exactly the written set: a lost line is a missing address, a repeated one a count of 2.
/// </summary>
public sealed class RotationUnderLoadTests(ITestOutputHelper output) : IDisposable
{
    private const int Rotations = 4;
    private readonly TestConfig _config = new();

    [Theory]
    [InlineData(RotationTests.Mode.RenameAndCreate)]
    [InlineData(RotationTests.Mode.CopyTruncate)]
    [InlineData(RotationTests.Mode.DeleteAndRecreate)]
    public async Task No_line_is_lost_or_repeated_across_rotations_under_a_constant_write_rate(RotationTests.Mode mode)
    {
        _config.WriteJailYaml($$"""
            jails:
              ssh:
                source: { file: {{_config.AuthLog}} }
                filter: sshd
                findtime: 1h
                maxretry: 5
                bantime: 1h
                actions: [log]
            """);
        _config.TouchAuthLog();
        var db = Path.Combine(_config.Dir, "sj.db");
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        var writer = new LogWriter(_config.AuthLog);
        using var stop = new CancellationTokenSource();
        var writing = Task.Run(() => writer.RunAsync(stop.Token));
        for (var i = 0; i < Rotations; i++)
        {
            await Task.Delay(800);
            await RotateAsync(mode, writer, engine);
        }
        await Task.Delay(800);
        await stop.CancelAsync();
        await writing;
        writer.Dispose();
        var written = writer.Written;
        output.WriteLine($"{mode}: {written} lines in {writer.Elapsed.TotalSeconds:0.0} s ({written / writer.Elapsed.TotalSeconds:0} lines/s), {Rotations} rotations; load {File.ReadAllText("/proc/loadavg").Trim()}");

        await Wait.UntilAsync(async () => await TotalFailedAsync(engine) >= written, $"the engine to count all {written} lines", engine, seconds: 60);
        Assert.Equal(0, await engine.StopAsync());
        var saved = StateDatabase.FailureCounts(db);
        var expected = Enumerable.Range(1, written).Select(LogWriter.AddressOf).ToHashSet(StringComparer.Ordinal);
        var lost = expected.Where(a => !saved.ContainsKey(a)).ToList();
        var repeated = saved.Where(s => s.Value != 1).Select(s => $"{s.Key}×{s.Value}").ToList();
        var unknown = saved.Keys.Where(a => !expected.Contains(a)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} line(s) lost: {string.Join(' ', lost.Take(20))}");
        Assert.True(repeated.Count == 0, $"{repeated.Count} line(s) counted more than once: {string.Join(' ', repeated.Take(20))}");
        Assert.Empty(unknown);
    }

    private async Task RotateAsync(RotationTests.Mode mode, LogWriter writer, EngineProcess engine)
    {
        var log = _config.AuthLog;
        var old = $"{log}.{Guid.NewGuid():N}";
        switch (mode)
        {
            case RotationTests.Mode.RenameAndCreate:
                // logrotate's default: rename, create, then signal the daemon, which writes to the
                // renamed file until it opens the path again.
                File.Move(log, old);
                File.WriteAllText(log, "");
                await Task.Delay(Random.Shared.Next(5, 50));
                writer.Reopen();
                break;
            case RotationTests.Mode.DeleteAndRecreate:
                // The daemon writes to the deleted file until it opens the path again; the engine still has it open.
                File.Delete(log);
                await Task.Delay(Random.Shared.Next(5, 50));
                writer.Reopen();
                break;
            case RotationTests.Mode.CopyTruncate:
                // copytruncate loses, by its nature, whatever no reader had read before the truncation
                // (the lines are only in the copy) and what is written between copy and truncation: the
                // writer waits over those two steps, as the README says an administrator must accept.
                await writer.PausedAsync(async () =>
                {
                    var reached = writer.Written;
                    await Wait.UntilAsync(async () => await TotalFailedAsync(engine) >= reached, "the engine to read up to the copy", engine, seconds: 120);
                    File.Copy(log, old);
                    using (var stream = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
                    {
                        stream.SetLength(0);
                    }
                });
                break;
        }
    }

    private static async Task<long> TotalFailedAsync(EngineProcess engine)
    {
        var (code, stdout, _) = await engine.ClientAsync("--json", "status", "ssh");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        return doc.RootElement.GetProperty("totalFailed").GetInt64();
    }

    public void Dispose() => _config.Dispose();

    /// <summary>A syslog-like writer: one open file, 30 lines every 10 ms, opened again on request.</summary>
    private sealed class LogWriter(string path) : IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly System.Diagnostics.Stopwatch _clock = new();
        private FileStream _file = Open(path);

        public int Written { get; private set; }
        public TimeSpan Elapsed => _clock.Elapsed;

        public static string AddressOf(int seq) => string.Create(CultureInfo.InvariantCulture, $"198.{18 + (seq >> 16)}.{(seq >> 8) & 255}.{seq & 255}");

        public async Task RunAsync(CancellationToken stop)
        {
            _clock.Start();
            while (!stop.IsCancellationRequested)
            {
                await _gate.WaitAsync(CancellationToken.None);
                try
                {
                    var batch = new StringBuilder();
                    for (var i = 0; i < 30; i++)
                    {
                        Written++;
                        batch.Append(TestConfig.SshFailure(AddressOf(Written), pid: Written)).Append('\n');
                    }
                    // At the end as O_APPEND would (a syslog daemon's way): .NET's FileStream keeps its own
                    // offset, which after a copytruncate would write past a hole of zeros.
                    _file.Seek(0, SeekOrigin.End);
                    _file.Write(Encoding.UTF8.GetBytes(batch.ToString()));
                    _file.Flush();
                }
                finally
                {
                    _gate.Release();
                }
                await Task.Delay(10, CancellationToken.None);
            }
            _clock.Stop();
        }

        public void Reopen()
        {
            _gate.Wait();
            try
            {
                _file.Dispose();
                _file = Open(path);
            }
            finally
            {
                _gate.Release();
            }
        }

        public async Task PausedAsync(Func<Task> work)
        {
            await _gate.WaitAsync();
            try
            {
                await work();
            }
            finally
            {
                _gate.Release();
            }
        }

        private static FileStream Open(string path) => new(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);

        public void Dispose()
        {
            _file.Dispose();
            _gate.Dispose();
        }
    }
}
