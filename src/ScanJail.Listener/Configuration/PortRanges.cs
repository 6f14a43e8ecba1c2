using System.Globalization;
using System.Text;

namespace ScanJail.Listener.Configuration;

/// <summary>Writes ports as ranges, <c>1-1000,1003,1005-1024</c>, so a full-range scan fits on a few lines.</summary>
public static class PortRanges
{
    public static string Format(IEnumerable<int> ports) => string.Join(',', Ranges(ports));

    /// <summary>The ranges of sorted distinct ports, each as <c>N</c> or <c>N-M</c>.</summary>
    public static IEnumerable<string> Ranges(IEnumerable<int> ports)
    {
        int? start = null;
        var end = 0;
        foreach (var p in ports.Distinct().Order())
        {
            if (start is not null && p == end + 1)
            {
                end = p;
                continue;
            }
            if (start is not null)
            {
                yield return One(start.Value, end);
            }
            start = p;
            end = p;
        }
        if (start is not null)
        {
            yield return One(start.Value, end);
        }
    }

    /// <summary>Splits ranges into comma-joined chunks of at most <paramref name="maxLength"/> characters.</summary>
    public static IReadOnlyList<string> Chunks(IEnumerable<int> ports, int maxLength)
    {
        var chunks = new List<string>();
        var current = new StringBuilder();
        foreach (var range in Ranges(ports))
        {
            if (current.Length > 0 && current.Length + 1 + range.Length > maxLength)
            {
                chunks.Add(current.ToString());
                current.Clear();
            }
            if (current.Length > 0)
            {
                current.Append(',');
            }
            current.Append(range);
        }
        if (current.Length > 0)
        {
            chunks.Add(current.ToString());
        }
        return chunks;
    }

    private static string One(int start, int end) =>
        start == end ? start.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{start}-{end}");
}
