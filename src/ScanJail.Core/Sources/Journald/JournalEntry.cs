using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ScanJail.Core.Sources.Journald;

/// <summary>
/// One line of <c>journalctl -o json</c>: the fields a filter needs. MESSAGE may be a string, an
/// array of bytes (not valid UTF-8) or null, as journalctl writes it.
/// </summary>
internal sealed record JournalEntry(string Cursor, DateTimeOffset? Time, string? Host, string? Identifier, string? Pid, string Message)
{
    private static readonly UTF8Encoding Decoder = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>What a filter sees: <c>TIME HOST IDENT[PID]: MESSAGE</c>, as a syslog file would hold it (time in RFC 3339, UTC).</summary>
    public string FilterText()
    {
        var text = new StringBuilder(Message.Length + 64);
        if (Time is { } time)
        {
            text.Append(time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture)).Append(' ');
        }
        if (Host is not null)
        {
            text.Append(Host).Append(' ');
        }
        if (Identifier is not null)
        {
            text.Append(Identifier);
            if (Pid is not null)
            {
                text.Append('[').Append(Pid).Append(']');
            }
            text.Append(": ");
        }
        return text.Append(Message).ToString();
    }

    /// <summary>Reads one JSON line; null when it is not a journal entry (no cursor).</summary>
    public static JournalEntry? Read(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "__CURSOR") is not { } cursor)
            {
                return null;
            }
            DateTimeOffset? time = null;
            if (Text(root, "__REALTIME_TIMESTAMP") is { } micros && long.TryParse(micros, NumberStyles.None, CultureInfo.InvariantCulture, out var us))
            {
                time = DateTimeOffset.UnixEpoch.AddTicks(us * 10);
            }
            return new JournalEntry(cursor, time, Text(root, "_HOSTNAME"),
                Text(root, "SYSLOG_IDENTIFIER") ?? Text(root, "_COMM"), Text(root, "SYSLOG_PID") ?? Text(root, "_PID"),
                Text(root, "MESSAGE") ?? "");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Array:
                // journalctl writes a field that is not valid UTF-8 as an array of byte values.
                var bytes = new List<byte>();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Number && item.TryGetByte(out var b))
                    {
                        bytes.Add(b);
                    }
                    else
                    {
                        return null; // a field repeated with several values: not one message
                    }
                }
                return Decoder.GetString([.. bytes]);
            default:
                return null;
        }
    }
}
