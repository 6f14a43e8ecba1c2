namespace ScanJail.Core.Filtering;

/// <summary>
/// Hand-written readers for the two syslog dialects, for speed: the Sprache grammar allocates for
/// every character and was measured at a third of the sshd filter's rate. They take only messages of
/// printable ASCII and spaces, and only claim a message they read whole, with exactly the result the
/// grammar gives (checked by a property test against <see cref="ReadWithGrammar(string)"/>); anything
/// else goes to the grammar, which stays the definition.
/// </summary>
public static partial class AttackAlertGrammar
{
    /// <summary>True when <paramref name="result"/> is what the grammar would give for <paramref name="message"/>.</summary>
    private static bool TryReadFast(ReadOnlySpan<char> message, out GrammarMatch? result)
    {
        result = null;
        // One vectorised search rather than a test per character.
        if (message.ContainsAnyExceptInRange(' ', '~'))
        {
            return false;
        }
        var at = 0;
        while (at < message.Length && message[at] == ' ')
        {
            at++;
        }
        // The grammar tries key=value first; on this alphabet TryKeyValues fails exactly when it does.
        if (TryKeyValues(message[at..], out result))
        {
            return true;
        }
        return TryClassic(message[at..], out result);
    }

    // KEY=VALUE tokens separated by runs of spaces, trailing spaces allowed; KEY is [A-Za-z_][A-Za-z0-9_]*,
    // VALUE one or more non-spaces (so it may hold '=').
    private static bool TryKeyValues(ReadOnlySpan<char> text, out GrammarMatch? result)
    {
        result = null;
        // One list per thread, emptied per line: FromPairs copies what it keeps (a list per alert line was a tenth of a replay's bytes).
        var pairs = _pairs ??= new List<KeyValuePair<string, string>>(8);
        pairs.Clear();
        var at = 0;
        while (at < text.Length)
        {
            var end = text[at..].IndexOf(' ');
            var token = end < 0 ? text[at..] : text.Slice(at, end);
            var equals = token.IndexOf('=');
            if (equals <= 0 || equals == token.Length - 1 || !IsKey(token[..equals]))
            {
                return false;
            }
            pairs.Add(new(KeyText(pairs.Count, token[..equals]), ValueText(pairs.Count, token[(equals + 1)..])));
            at += token.Length;
            while (at < text.Length && text[at] == ' ')
            {
                at++;
            }
        }
        if (pairs.Count == 0)
        {
            return false;
        }
        result = FromPairs(pairs);
        return true;
    }

    [ThreadStatic]
    private static List<KeyValuePair<string, string>>? _pairs;

    // The keys ScanJail's listener writes, as one string each instead of one per line.
    private static readonly string[] KnownKeys = ["src", "dport", "port", "proto", "kind", "mode", "ports", "ip", "dst", "sport", "summary", "probes"];

    // The key at this place on the last line first (a listener writes its keys in one order), then the known keys.
    private static string KeyText(int place, ReadOnlySpan<char> key) => Kept(ref _lastKeys, place, key, knownKey: true);

    [ThreadStatic]
    private static string?[]? _lastKeys;

    private static string KnownKey(ReadOnlySpan<char> key)
    {
        foreach (var known in KnownKeys)
        {
            if (key.SequenceEqual(known))
            {
                return known;
            }
        }
        return key.ToString();
    }

    // The value of the pair at this place on the last line, when it is the same (a listener's protocol, kind, mode
    // and own address repeat line after line): a string made once, not once per line. Strings are immutable, so
    // lines may share one; a value that changes is made as before.
    private static string ValueText(int place, ReadOnlySpan<char> value) => Kept(ref _lastValues, place, value, knownKey: false);

    [ThreadStatic]
    private static string?[]? _lastValues;

    // The string kept for this place from the last line when the text is the same; else the text's string (a known
    // key's own for a key), kept for the next line. Places past the eighth are not kept.
    private static string Kept(ref string?[]? lastOnThread, int place, ReadOnlySpan<char> text, bool knownKey)
    {
        var last = lastOnThread ??= new string?[8];
        if (place < last.Length && last[place] is { } kept && text.SequenceEqual(kept))
        {
            return kept;
        }
        var made = knownKey ? KnownKey(text) : text.ToString();
        if (place < last.Length)
        {
            last[place] = made;
        }
        return made;
    }

    private static bool IsKey(ReadOnlySpan<char> key)
    {
        if (!(char.IsAsciiLetter(key[0]) || key[0] == '_'))
        {
            return false;
        }
        foreach (var c in key[1..])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    // "TCP SYN/Normal scan from host: ADDR/NAME to TCP port: N", "UDP scan from ...", "Connect from ...".
    private static bool TryClassic(ReadOnlySpan<char> text, out GrammarMatch? result)
    {
        result = null;
        if (!TryScanKind(text, out var kind, out var at))
        {
            return false;
        }
        const string FromHost = " from host: ";
        if (!text[at..].StartsWith(FromHost, StringComparison.Ordinal))
        {
            return false;
        }
        at += FromHost.Length;
        var hostLength = text[at..].IndexOfAny('/', ' ');
        if (hostLength == 0 || hostLength < 0)
        {
            return false;
        }
        var host = text.Slice(at, hostLength).ToString();
        at += hostLength;
        if (text[at] == '/')
        {
            var nameEnd = text[at..].IndexOf(' ');
            at = nameEnd < 0 ? text.Length : at + nameEnd;
        }
        if (!text[at..].StartsWith(" to ", StringComparison.Ordinal) || !TryProto(text[(at + 4)..], out var proto))
        {
            return false;
        }
        at += 7;
        const string PortWord = " port: ";
        if (!text[at..].StartsWith(PortWord, StringComparison.Ordinal))
        {
            return false;
        }
        at += PortWord.Length;
        var digits = 0;
        while (at + digits < text.Length && char.IsAsciiDigit(text[at + digits]))
        {
            digits++;
        }
        if (digits is 0 or > 5 || int.Parse(text.Slice(at, digits), System.Globalization.CultureInfo.InvariantCulture) > 65535
            || !text[(at + digits)..].TrimStart(' ').IsEmpty)
        {
            return false;
        }
        result = Result(host, text.Slice(at, digits).ToString(), proto, kind);
        return true;
    }

    // The grammar's three scan kinds, tried in its order: PROTO WORD[/WORD] scan, PROTO scan, Connect.
    private static bool TryScanKind(ReadOnlySpan<char> text, out string kind, out int end)
    {
        kind = "";
        end = 0;
        if (TryProto(text, out var proto))
        {
            var at = 3;
            if (at < text.Length && text[at] == ' ')
            {
                var word = Letters(text, at + 1);
                if (word > 0)
                {
                    var wordEnd = at + 1 + word;
                    var afterVariant = wordEnd;
                    if (afterVariant < text.Length && text[afterVariant] == '/')
                    {
                        var variant = Letters(text, afterVariant + 1);
                        if (variant > 0)
                        {
                            afterVariant += 1 + variant;
                        }
                    }
                    if (text[afterVariant..].StartsWith(" scan", StringComparison.Ordinal))
                    {
                        // ASCII letters: equal ignoring case to the last kind (lower case) is equal to it once lowered.
                        var letters = text.Slice(at + 1, word);
                        kind = _lastKind is { } lastKind && letters.Equals(lastKind, StringComparison.OrdinalIgnoreCase)
                            ? lastKind
                            : _lastKind = letters.ToString().ToLowerInvariant();
                        end = afterVariant + 5;
                        return true;
                    }
                }
            }
            if (text[3..].StartsWith(" scan", StringComparison.Ordinal))
            {
                kind = proto;
                end = 8;
                return true;
            }
            return false;
        }
        if (text.StartsWith("Connect", StringComparison.Ordinal))
        {
            kind = "connect";
            end = 7;
            return true;
        }
        return false;
    }

    [ThreadStatic]
    private static string? _lastKind;

    private static bool TryProto(ReadOnlySpan<char> text, out string proto)
    {
        proto = text.StartsWith("TCP", StringComparison.Ordinal) ? "tcp" : text.StartsWith("UDP", StringComparison.Ordinal) ? "udp" : "";
        return proto.Length > 0;
    }

    private static int Letters(ReadOnlySpan<char> text, int at)
    {
        var count = 0;
        while (at + count < text.Length && char.IsAsciiLetter(text[at + count]))
        {
            count++;
        }
        return count;
    }
}
