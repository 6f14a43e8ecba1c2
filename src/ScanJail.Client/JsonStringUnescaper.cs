using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ScanJail.Client;

/// <summary>
/// The body of a JSON string (after its opening quote), unescaped into UTF-8 piece by piece as it arrives: a jail's
/// status with 100,000 bans is one string of over a megabyte, printed while the rest of it is still on its way.
/// Every escape JSON has is read (RFC 8259, section 7), surrogate pairs included; a lone surrogate, an unknown
/// escape or a raw control character is an error, as it is to the serializer.
/// </summary>
internal static class JsonStringUnescaper
{
    private static readonly SearchValues<byte> Special = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    /// <summary>
    /// Unescapes <paramref name="input"/> into <paramref name="output"/> (never longer than the input) up to the
    /// closing quote, or up to an escape whose end has not come yet.
    /// </summary>
    /// <returns>
    /// The bytes of <paramref name="input"/> taken (the closing quote included when <c>Ended</c>; an unfinished
    /// escape at the end is left for the next call, with what follows it), and the bytes written.
    /// </returns>
    /// <exception cref="JsonException">The text is not a JSON string's body.</exception>
    public static (int Taken, int Written, bool Ended) Unescape(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var taken = 0;
        var written = 0;
        while (true)
        {
            var rest = input[taken..];
            var special = rest.IndexOfAny(Special);
            var plain = special < 0 ? rest : rest[..special];
            plain.CopyTo(output[written..]);
            taken += plain.Length;
            written += plain.Length;
            if (special < 0)
            {
                return (taken, written, false);
            }
            var at = input[taken];
            if (at == '"')
            {
                return (taken + 1, written, true);
            }
            if (at != '\\')
            {
                throw new JsonException($"a control character (0x{at:x2}) inside a string");
            }
            var escape = Escape(input[taken..], output[written..]);
            if (escape.Taken == 0)
            {
                return (taken, written, false);
            }
            taken += escape.Taken;
            written += escape.Written;
        }
    }

    // One escape at the start of input; (0, 0) when it is not all there yet.
    private static (int Taken, int Written) Escape(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length < 2)
        {
            return (0, 0);
        }
        byte? simple = input[1] switch
        {
            (byte)'"' => (byte)'"',
            (byte)'\\' => (byte)'\\',
            (byte)'/' => (byte)'/',
            (byte)'b' => 0x08,
            (byte)'f' => 0x0C,
            (byte)'n' => 0x0A,
            (byte)'r' => 0x0D,
            (byte)'t' => 0x09,
            (byte)'u' => null,
            var other => throw new JsonException($"an unknown escape \\{(char)other} inside a string"),
        };
        if (simple is { } value)
        {
            output[0] = value;
            return (2, 1);
        }
        if (input.Length < 6)
        {
            return (0, 0);
        }
        var unit = Hex(input[2..6]);
        if (char.IsLowSurrogate((char)unit))
        {
            throw new JsonException("a lone low surrogate inside a string");
        }
        if (!char.IsHighSurrogate((char)unit))
        {
            return (6, new Rune(unit).EncodeToUtf8(output));
        }
        // A high surrogate must be followed by the escape of a low one: refused as soon as what has come is not that.
        if ((input.Length > 6 && input[6] != '\\') || (input.Length > 7 && input[7] != 'u'))
        {
            throw new JsonException("a lone high surrogate inside a string");
        }
        if (input.Length < 12)
        {
            return (0, 0);
        }
        var low = Hex(input[8..12]);
        if (!char.IsLowSurrogate((char)low))
        {
            throw new JsonException("a lone high surrogate inside a string");
        }
        return (12, new Rune((char)unit, (char)low).EncodeToUtf8(output));
    }

    private static int Hex(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var digit in digits)
        {
            var nibble = digit switch
            {
                >= (byte)'0' and <= (byte)'9' => digit - '0',
                >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
                _ => throw new JsonException("a \\u escape needs four hexadecimal digits"),
            };
            value = (value << 4) | nibble;
        }
        return value;
    }
}
