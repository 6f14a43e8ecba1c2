using System.Buffers;
using System.Text;
using System.Text.Json;
using ScanJail.Core.Actions;
using ScanJail.Core.Control;

namespace ScanJail.Client;

/// <summary>
/// A jail's status read from its JSON with <see cref="Utf8JsonReader"/> alone, in one pass. The serializer's
/// first use in a process builds its metadata and compiles its generic code just in time (ReadyToRun cannot
/// hold instantiations across the framework's assemblies): tens of milliseconds of a short-lived client.
/// Reads what <see cref="ControlProtocol.Json"/> writes (tests compare both); unknown properties are skipped
/// and missing ones take their defaults, as the serializer does.
/// </summary>
public static class JailStatusReader
{
    /// <exception cref="JsonException">Not a jail's status: the JSON is broken or a value has the wrong kind.</exception>
    public static JailStatus Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return Read(ref reader);
    }

    /// <summary>The status whose first token <paramref name="reader"/> stands on; leaves it on the status's last token.</summary>
    /// <exception cref="JsonException">Not a jail's status: the JSON is broken or a value has the wrong kind.</exception>
    public static JailStatus Read(ref Utf8JsonReader reader)
    {
        try
        {
            return Status(ref reader);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            // A number or a time where another kind of value stands.
            throw new JsonException($"not a jail's status: {e.Message}", e);
        }
    }

    /// <summary>
    /// The status whose first token <paramref name="reader"/> stands on, as the UTF-8 of the text
    /// <see cref="StatusFormatter.JailStatus"/> makes of it, in the same pass: each banned address is copied
    /// from the JSON as it stands (printable ASCII, not escaped, is already its own clean text), never made a
    /// string, joined and encoded again. Needs the figures before the list, as the engine writes them.
    /// </summary>
    /// <exception cref="JsonException">Not a jail's status, or its figures come after its list (then <see cref="Read(ref Utf8JsonReader)"/> reads it).</exception>
    public static object Render(ref Utf8JsonReader reader)
    {
        var text = new ArrayBufferWriter<byte>(1 << 16);
        try
        {
            Status(ref reader, text);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new JsonException($"not a jail's status: {e.Message}", e);
        }
        return text.WrittenMemory;
    }

    // With text, the status is rendered into it as it is read (and the banned addresses are not kept).
    private static JailStatus Status(ref Utf8JsonReader reader, ArrayBufferWriter<byte>? text = null)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        var headWritten = false;
        string? jail = null;
        int currentlyFailed = 0, currentlyBanned = 0;
        long totalFailed = 0, totalBanned = 0;
        IReadOnlyList<string> sources = [], banned = [];
        IReadOnlyList<ActionHealth> actions = [];
        IReadOnlyList<OriginInfo>? origins = null;
        while (NextProperty(ref reader, out var name))
        {
            if (headWritten && name is "jail" or "currentlyFailed" or "totalFailed" or "sources" or "currentlyBanned" or "totalBanned" or "bannedAddresses")
            {
                // Already written from what came before: a figure after the list (or a second list) would change it.
                throw new JsonException($"{name} after the banned addresses");
            }
            switch (name)
            {
                case "jail": jail = ControlAnswer.Text(ref reader); break;
                case "currentlyFailed": currentlyFailed = reader.GetInt32(); break;
                case "totalFailed": totalFailed = reader.GetInt64(); break;
                case "sources": sources = Texts(ref reader); break;
                case "currentlyBanned": currentlyBanned = reader.GetInt32(); break;
                case "totalBanned": totalBanned = reader.GetInt64(); break;
                case "bannedAddresses" when text is not null:
                    Write(text, StatusFormatter.JailStatusHead(new JailStatus(
                        jail ?? throw new JsonException("a jail's status without its name before its list"),
                        currentlyFailed, totalFailed, sources, currentlyBanned, totalBanned, [], [])));
                    headWritten = true;
                    CopyAddresses(ref reader, text);
                    break;
                case "bannedAddresses": banned = Texts(ref reader); break;
                case "actions": actions = Healths(ref reader); break;
                case "origins": origins = reader.TokenType == JsonTokenType.Null ? null : Origins(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        var status = new JailStatus(jail ?? throw new JsonException("a jail's status without its name"),
            currentlyFailed, totalFailed, sources, currentlyBanned, totalBanned, banned, actions)
        {
            Origins = origins,
        };
        if (text is not null)
        {
            if (!headWritten)
            {
                Write(text, StatusFormatter.JailStatusHead(status));
            }
            Write(text, StatusFormatter.JailStatusTail(status));
        }
        return status;
    }

    private static void CopyAddresses(ref Utf8JsonReader reader, ArrayBufferWriter<byte> text)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!first)
            {
                text.Write(" "u8);
            }
            first = false;
            if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.ValueSpan.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
            {
                text.Write(reader.ValueSpan);
            }
            else
            {
                Write(text, StatusFormatter.Clean(ControlAnswer.Text(ref reader) ?? throw new JsonException("a list of strings holds a null")));
            }
        }
    }

    private static void Write(ArrayBufferWriter<byte> text, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Encoding.UTF8.GetBytes(value, text.GetSpan(length));
        text.Advance(length);
    }

    private static ActionHealth Health(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? action = null, lastError = null;
        long succeeded = 0, failed = 0, retrying = 0, dropped = 0;
        var pending = 0;
        DateTimeOffset? lastErrorAt = null;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "action": action = ControlAnswer.Text(ref reader); break;
                case "succeeded": succeeded = reader.GetInt64(); break;
                case "failed": failed = reader.GetInt64(); break;
                case "retrying": retrying = reader.GetInt64(); break;
                case "pending": pending = reader.GetInt32(); break;
                case "lastError": lastError = ControlAnswer.Text(ref reader); break;
                case "lastErrorAt": lastErrorAt = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset(); break;
                case "dropped": dropped = reader.GetInt64(); break;
                default: reader.Skip(); break;
            }
        }
        return new ActionHealth(action ?? throw new JsonException("an action's health without its name"),
            succeeded, failed, retrying, pending, lastError, lastErrorAt, dropped);
    }

    private static OriginInfo Origin(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? origin = null;
        long failures = 0;
        IReadOnlyList<string> banned = [];
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "origin": origin = ControlAnswer.Text(ref reader); break;
                case "failures": failures = reader.GetInt64(); break;
                case "banned": banned = Texts(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        return new OriginInfo(origin ?? throw new JsonException("an origin without its name"), failures, banned);
    }

    private delegate T ItemReader<out T>(ref Utf8JsonReader reader);

    private static List<ActionHealth> Healths(ref Utf8JsonReader reader) => ListOf(ref reader, Health);

    private static List<OriginInfo> Origins(ref Utf8JsonReader reader) => ListOf(ref reader, Origin);

    // Each string of an array, decoded once (no escape in an address: its UTF-8 is copied as it came).
    private static List<string> Texts(ref Utf8JsonReader reader) =>
        ListOf(ref reader, static (ref Utf8JsonReader r) => ControlAnswer.Text(ref r) ?? throw new JsonException("a list of strings holds a null"));

    private static List<T> ListOf<T>(ref Utf8JsonReader reader, ItemReader<T> item)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        var items = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(item(ref reader));
        }
        return items;
    }

    /// <summary>Moves onto the next property's value; false at the end of the object.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader, out string name)
    {
        if (!reader.Read())
        {
            throw new JsonException("the JSON ends inside an object");
        }
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }
        name = reader.GetString() ?? "";
        reader.Read();
        return true;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"{token} was expected, not {reader.TokenType}");
        }
    }
}
