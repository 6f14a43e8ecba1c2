using System.Collections;
using System.Globalization;

namespace ScanJail.Listener.Configuration;

/// <summary>A set of ports 1-65535, read from <c>"1-1024,2000"</c> or a list of numbers and ranges.</summary>
public sealed class PortSet
{
    private readonly BitArray _bits = new(65536);

    public static PortSet Empty => new();

    public int Count { get; private set; }

    public bool Contains(int port) => port is > 0 and < 65536 && _bits[port];

    public void Add(int port)
    {
        if (port is > 0 and < 65536 && !_bits[port])
        {
            _bits[port] = true;
            Count++;
        }
    }

    public IEnumerable<int> Ports()
    {
        for (var p = 1; p < 65536; p++)
        {
            if (_bits[p])
            {
                yield return p;
            }
        }
    }

    /// <summary>Adds the ports of one item such as <c>22</c>, <c>1-1024</c> or <c>1-1024,2000</c>; false on bad text.</summary>
    public bool TryAdd(string text)
    {
        foreach (var piece in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var dash = piece.IndexOf('-', StringComparison.Ordinal);
            var (low, high) = dash < 0 ? (piece, piece) : (piece[..dash].Trim(), piece[(dash + 1)..].Trim());
            if (!TryPort(low, out var from) || !TryPort(high, out var to) || to < from)
            {
                return false;
            }
            for (var p = from; p <= to; p++)
            {
                Add(p);
            }
        }
        return true;
    }

    public override string ToString() => PortRanges.Format(Ports());

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;
}
