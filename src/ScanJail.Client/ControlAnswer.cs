using System.Text.Json;

namespace ScanJail.Client;

/// <summary>
/// One response line of the control protocol, as the client reads it: the envelope's fields, and the
/// result left as the engine's UTF-8 JSON. A jail's status with 100,000 bans is a megabyte; left as bytes
/// it is read by a <see cref="ResultReader"/> on the way or printed as is (<c>--json</c>),
/// never built into a document first (that cost the client more than the engine's whole answer).
/// </summary>
/// <param name="Result">The <c>result</c> value's JSON text; empty when the engine sent none.</param>
public sealed record ControlAnswer(bool Ok, ReadOnlyMemory<byte> Result, string? Error, string? Code, IReadOnlyList<string>? Errors)
{
    /// <summary>The result as the <see cref="ResultReader"/> given to <see cref="Parse"/> read it; null when none was given or it failed.</summary>
    public object? Value { get; init; }

    /// <summary>
    /// Reads <paramref name="line"/> (without its newline). Unknown properties are skipped, as the serializer skips them.
    /// The result of an ok answer is read by <paramref name="read"/> on the way, in the same pass; when it cannot read
    /// it, <see cref="Value"/> stays null and the result's text is kept for the caller to report.
    /// </summary>
    /// <exception cref="JsonException">Not one JSON object, or a field of the wrong kind.</exception>
    public static ControlAnswer Parse(ReadOnlyMemory<byte> line, ResultReader? read = null)
    {
        var reader = new Utf8JsonReader(line.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a response is one JSON object");
        }
        var ok = false;
        var result = ReadOnlyMemory<byte>.Empty;
        object? value = null;
        string? error = null;
        string? code = null;
        List<string>? errors = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            reader.Read();
            if (escaped)
            {
                // The engine never escapes its property names; one that is escaped is not one of ours.
                reader.Skip();
            }
            else if (name.SequenceEqual("ok"u8))
            {
                ok = reader.TokenType == JsonTokenType.True;
            }
            else if (name.SequenceEqual("result"u8))
            {
                var start = (int)reader.TokenStartIndex;
                value = ok && read is not null && reader.TokenType != JsonTokenType.Null ? TryRead(ref reader, read) : null;
                if (value is null)
                {
                    reader.Skip();
                }
                result = reader.TokenType == JsonTokenType.Null ? ReadOnlyMemory<byte>.Empty : line[start..(int)reader.BytesConsumed];
            }
            else if (name.SequenceEqual("error"u8))
            {
                error = Text(ref reader);
            }
            else if (name.SequenceEqual("code"u8))
            {
                code = Text(ref reader);
            }
            else if (name.SequenceEqual("errors"u8) && reader.TokenType == JsonTokenType.StartArray)
            {
                errors = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    errors.Add(Text(ref reader) ?? throw new JsonException("an error is null"));
                }
            }
            else
            {
                reader.Skip();
            }
        }
        // Read once more past the object: anything but white space after it is an error of the reader's.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new JsonException("a response is one JSON object and nothing after it");
        }
        return new ControlAnswer(ok, result, error, code, errors) { Value = value };
    }

    // A copy of the reader stands where the result starts: when the result is not what read expects, it is
    // skipped from there (broken JSON still fails the whole line).
    private static object? TryRead(ref Utf8JsonReader reader, ResultReader read)
    {
        var start = reader;
        try
        {
            return read(ref reader);
        }
        catch (JsonException)
        {
            reader = start;
            return null;
        }
    }

    /// <summary>
    /// A <see cref="ResultReader"/> for a result that is one string (<see cref="Core.Control.ControlRequest.Text"/>):
    /// its UTF-8, unescaped, never made a .NET string (a jail's status with 100,000 bans is a megabyte of text).
    /// </summary>
    /// <exception cref="JsonException">The result is not a string.</exception>
    public static object Utf8String(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"a string was expected, not {reader.TokenType}");
        }
        if (!reader.ValueIsEscaped)
        {
            return new ReadOnlyMemory<byte>(reader.ValueSpan.ToArray());
        }
        var text = GC.AllocateUninitializedArray<byte>(reader.ValueSpan.Length);
        return new ReadOnlyMemory<byte>(text, 0, reader.CopyString(text));
    }

    /// <summary>A string value, or null for a JSON null.</summary>
    /// <exception cref="JsonException">Any other kind of value.</exception>
    internal static string? Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"a string was expected, not {reader.TokenType}"),
    };
}
