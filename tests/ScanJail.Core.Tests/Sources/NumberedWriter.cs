using System.Text;

namespace ScanJail.Core.Tests.Sources;

/// <summary>
/// A log writer like a daemon's: keeps its file open, writes numbered lines at the end (seeking to
/// the end first, as O_APPEND would, so it follows a truncation), and reopens the path on request.
/// </summary>
internal sealed class NumberedWriter(string path) : IDisposable
{
    private FileStream _stream = Open(path);

    public int Written { get; private set; }

    public static string Text(int number) => $"line {number:D6}";

    /// <summary>Writes <paramref name="count"/> lines at about ten per millisecond.</summary>
    public async Task WriteAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _stream.Seek(0, SeekOrigin.End);
            _stream.Write(Encoding.ASCII.GetBytes(Text(Written++) + "\n"));
            _stream.Flush();
            if (i % 10 == 9)
            {
                await Task.Delay(1);
            }
        }
    }

    /// <summary>What a daemon does when logrotate's postrotate signals it.</summary>
    public void Reopen()
    {
        _stream.Dispose();
        _stream = Open(path);
    }

    public void Dispose() => _stream.Dispose();

    private static FileStream Open(string path) => new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
}
