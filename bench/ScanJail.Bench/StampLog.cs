using System.Globalization;

namespace ScanJail.Bench;

/// <summary>
/// The file the ban command writes to: one line per ban, "EPOCHSECONDS.MICROS ADDRESS" stamped by the
/// command itself (<see cref="StampCommand"/>), so a figure covers the whole path up to the command's start.
/// Read as it grows.
/// </summary>
internal sealed class StampLog(string path) : IDisposable
{
    /// <summary>The bash script of <c>--stamp bash</c> (ScanJail action YAML and fail2ban actionban use the same script).</summary>
    public const string Script = "printf \"%s %s\\n\" \"$EPOCHREALTIME\" \"$1\" >> \"$2\"";

    private readonly Dictionary<string, double> _stamps = new(StringComparer.Ordinal);
    // Read every millisecond while a row runs: one buffer, not 64 KB of garbage per look.
    private readonly byte[] _buffer = new byte[64 * 1024];
    private FileStream? _file;
    private string _partial = "";

    public string Path => path;

    /// <summary>The Unix time at which the ban command for <paramref name="address"/> started, waiting up to <paramref name="limit"/>.</summary>
    public double? WaitFor(string address, TimeSpan limit)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(limit.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (true)
        {
            ReadNew();
            if (_stamps.Remove(address, out var stamp))
            {
                return stamp;
            }
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                return null;
            }
            // One thread asleep for a millisecond: Task.Delay(1) woke the timer thread and a pool thread as well, each
            // millisecond, and they took turns at the 2 cores with the engine whose latency this waits for.
#pragma warning disable RS0030
            Thread.Sleep(1);
#pragma warning restore RS0030
        }
    }

    public static double Now() => (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;

    public void Dispose() => _file?.Dispose();

    private void ReadNew()
    {
        if (_file is null)
        {
            if (!File.Exists(path))
            {
                return;
            }
            _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        int read;
        while ((read = _file.Read(_buffer)) > 0)
        {
            var text = _partial + System.Text.Encoding.ASCII.GetString(_buffer, 0, read);
            var lines = text.Split('\n');
            _partial = lines[^1];
            foreach (var line in lines[..^1])
            {
                var parts = line.Split(' ');
                if (parts.Length == 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var stamp))
                {
                    _stamps[parts[1]] = stamp;
                }
            }
        }
    }
}
