using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ScanJail.Core.Net;

namespace ScanJail.Core.Persistence;

/// <summary>
/// Text columns read as UTF-8 (<see cref="RawStatement.ColumnUtf8"/>) turned into what the store hands on, with no
/// string per column: an address parsed from the bytes, and the few distinct jail names one string each.
/// </summary>
internal sealed class StoredText
{
    private const int MaxNames = 64;
    private static readonly long EarliestTime = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long LatestTime = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
    private readonly List<(byte[] Utf8, string Text)> _names = [];

    /// <summary>The jail name of <paramref name="utf8"/>: the same string for the same bytes (a table holds a few names).</summary>
    public string Name(ReadOnlySpan<byte> utf8)
    {
        foreach (var (bytes, text) in _names)
        {
            if (utf8.SequenceEqual(bytes))
            {
                return text;
            }
        }
        var name = Encoding.UTF8.GetString(utf8);
        if (_names.Count < MaxNames)
        {
            _names.Add((utf8.ToArray(), name));
        }
        return name;
    }

    /// <summary>The address <paramref name="utf8"/> holds, parsed as <see cref="AddressParser"/> parses text; false when it holds none.</summary>
    public static bool TryAddress(ReadOnlySpan<byte> utf8, out IPAddress address)
    {
        Span<char> text = stackalloc char[SqliteStore.AddressLength]; // the longest address text the store writes
        if (!TryDecode(utf8, text, out var length))
        {
            address = IPAddress.None;
            return false;
        }
        return AddressParser.TryParse(text[..length], out address);
    }

    /// <summary>Decodes <paramref name="utf8"/> into <paramref name="into"/>; false when it does not fit.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> utf8, Span<char> into, out int length)
    {
        length = 0;
        return utf8.Length <= into.Length && Encoding.UTF8.TryGetChars(utf8, into, out length);
    }

    /// <summary>A Unix-milliseconds column as a time; false outside what <see cref="DateTimeOffset"/> holds.</summary>
    public static bool TryTime(long unixMilliseconds, out DateTimeOffset time)
    {
        var inRange = unixMilliseconds >= EarliestTime && unixMilliseconds <= LatestTime;
        time = inRange ? DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds) : default;
        return inRange;
    }

    /// <summary>The failures' times column (Unix milliseconds joined by commas, as SqliteStore.BindTimes writes it); false when any is not one.</summary>
    public static bool TryTimes(string column, out List<DateTimeOffset> times)
    {
        times = [];
        foreach (var part in column.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms) || !TryTime(ms, out var time))
            {
                return false;
            }
            times.Add(time);
        }
        return true;
    }

    /// <summary>A count column as an <see cref="int"/> from 0 to <see cref="int.MaxValue"/>; false when it had to be clamped.</summary>
    public static bool TryCount(long value, out int count)
    {
        count = (int)Math.Clamp(value, 0, int.MaxValue);
        return count == value;
    }

    /// <summary>A ban's captures, stored as a JSON object of strings; false (and none) when the column holds anything else.</summary>
    public static bool TryFields(ReadOnlySpan<byte> json, IReadOnlyDictionary<string, string> none, out IReadOnlyDictionary<string, string> fields)
    {
        // Most bans have no captures: "{}" without the JSON reader, one shared empty map.
        if (json.SequenceEqual("{}"u8))
        {
            fields = none;
            return true;
        }
        try
        {
            fields = JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? none;
            return true;
        }
        catch (JsonException)
        {
            fields = none;
            return false;
        }
    }
}
