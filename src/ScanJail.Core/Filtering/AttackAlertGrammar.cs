using Sprache;

namespace ScanJail.Core.Filtering;

/// <summary>
/// Reads port-scan reports in three dialects into a host and the fields <c>ip</c>, <c>port</c>,
/// <c>proto</c>, <c>kind</c> (and <c>mode</c> and any other key when given):
/// <code>
/// scanjail-listener[812]: attackalert: src=192.0.2.2 proto=tcp dport=22 kind=syn mode=atcp sport=51234 dst=192.0.2.1
/// portsentry[12075]: attackalert: TCP SYN/Normal scan from host: 192.0.2.2/192.0.2.2 to TCP port: 443
/// 1795238480 - 11/21/2026 05:21:20 Host: 192.0.2.2/192.0.2.2 Port: 443 TCP Blocked    (portsentry's history file)
/// </code>
/// portsentry's notices (<c>Host: ... is already blocked</c>, <c>Ignoring TCP response</c>,
/// <c>has been blocked via dropped route</c>) are not scans and do not parse.
/// </summary>
public static partial class AttackAlertGrammar
{
    private const string Tag = "attackalert:";

    private static readonly Parser<string> Proto =
        Parse.String("TCP").Return("tcp").Or(Parse.String("UDP").Return("udp")).Named("TCP or UDP");

    private static readonly Parser<string> Word = Parse.Letter.AtLeastOnce().Text().Named("word");

    private static readonly Parser<string> Port =
        Parse.Digit.AtLeastOnce().Text().Where(d => d.Length <= 5 && int.Parse(d, System.Globalization.CultureInfo.InvariantCulture) <= 65535).Named("port number");

    private static readonly Parser<string> LineEnd =
        from _ in Parse.WhiteSpace.Many()
        from end in Parse.LineEnd.Optional().End()
        select "";

    // "192.0.2.2/192.0.2.2": the address, then the name portsentry resolved (ignored: it may be attacker DNS).
    private static readonly Parser<string> HostPair =
        (from address in Parse.CharExcept("/ \t").AtLeastOnce().Text()
         from name in Parse.Char('/').Then(_ => Parse.CharExcept(" \t").Many()).Optional()
         select address).Named("host/name");

    // "TCP SYN/Normal scan", "TCP FIN scan", "UDP scan", "Connect".
    private static readonly Parser<string> ScanKind =
        (from proto in Proto
         from space in Parse.Char(' ')
         from kind in Word
         from variant in Parse.Char('/').Then(_ => Word).Optional()
         from scan in Parse.String(" scan")
         select kind.ToLowerInvariant())
        .Or(from proto in Proto from scan in Parse.String(" scan") select proto)
        .Or(Parse.String("Connect").Return("connect"))
        .Named("scan kind");

    private static readonly Parser<GrammarMatch> Classic =
        from lead in Parse.Char(' ').Many()
        from kind in ScanKind
        from fromHost in Parse.String(" from host: ")
        from host in HostPair
        from to in Parse.String(" to ")
        from proto in Proto
        from portWord in Parse.String(" port: ")
        from port in Port
        from end in LineEnd
        select Result(host, port, proto, kind);

    private static readonly Parser<string> Key =
        (from first in Parse.Letter.Or(Parse.Char('_'))
         from rest in Parse.LetterOrDigit.Or(Parse.Char('_')).Many().Text()
         select first + rest).Named("key");

    private static readonly Parser<KeyValuePair<string, string>> Pair =
        from key in Key
        from equalsSign in Parse.Char('=')
        from value in Parse.CharExcept(" \t").AtLeastOnce().Text().Named("value")
        select new KeyValuePair<string, string>(key, value);

    private static readonly Parser<GrammarMatch?> KeyValues =
        from lead in Parse.Char(' ').Many()
        from first in Pair
        from rest in Parse.Char(' ').AtLeastOnce().Then(_ => Pair).Many()
        from end in LineEnd
        select FromPairs([first, .. rest]);

    private static readonly Parser<GrammarMatch?> Message =
        KeyValues.Or(Classic.Select(m => (GrammarMatch?)m));

    private static readonly Parser<GrammarMatch> History =
        from epoch in Parse.Digit.AtLeastOnce()
        from dash in Parse.String(" - ")
        from date in Parse.CharExcept(' ').AtLeastOnce()
        from space in Parse.Char(' ')
        from clock in Parse.CharExcept(' ').AtLeastOnce()
        from hostWord in Parse.String(" Host: ")
        from host in HostPair
        from portWord in Parse.String(" Port: ")
        from port in Port
        from space2 in Parse.Char(' ')
        from proto in Proto
        from blocked in Parse.String(" Blocked")
        from end in LineEnd
        select Result(host, port, proto, kind: null);

    /// <summary>
    /// Reads one whole log line. The syslog dialects count only when <c>attackalert:</c> opens the
    /// message (right after the program tag, or at the start of the line), so a user name or other
    /// attacker text that contains <c>attackalert:</c> later in some other program's line never parses.
    /// Never throws.
    /// </summary>
    public static GrammarMatch? Read(string line)
    {
        if (line is null)
        {
            return null;
        }
        return TryReadChars(line, out var fast) ? fast : ReadWithGrammar(line);
    }

    /// <summary>
    /// What <see cref="Read"/> gives, for a line the fast readers take whole (true); false when only the
    /// grammar can tell, which needs the line as a string. A file source's lines come as characters.
    /// </summary>
    public static bool TryReadChars(ReadOnlySpan<char> line, out GrammarMatch? result)
    {
        var message = MessageAfterTag(line);
        if (message >= 0 && TryReadFast(line[message..], out result))
        {
            return true;
        }
        result = null;
        return false;
    }

    /// <summary>The Sprache grammar alone, without the fast readers: the definition they are checked against.</summary>
    internal static GrammarMatch? ReadWithGrammar(string line) => line is null ? null : ReadWithGrammar(line, MessageAfterTag(line));

    private static GrammarMatch? ReadWithGrammar(string line, int message)
    {
        var result = message >= 0 ? Message.TryParse(line[message..]) : null;
        if (result is { WasSuccessful: true })
        {
            return result.Value;
        }
        if (message >= 0 || line.Length == 0 || !char.IsAsciiDigit(line[0]))
        {
            return null;
        }
        var history = History.TryParse(line);
        return history.WasSuccessful ? history.Value : null;
    }

    /// <summary>Where the text after <c>attackalert:</c> starts, or -1 when the message does not open with it.</summary>
    private static int MessageAfterTag(ReadOnlySpan<char> line)
    {
        if (line.StartsWith(Tag, StringComparison.Ordinal))
        {
            return Tag.Length;
        }
        // The first ": " ends the program tag ("host portsentry[12075]: "); time stamps contain no ": ".
        var tagEnd = line.IndexOf(": ", StringComparison.Ordinal);
        if (tagEnd < 0 || !line[(tagEnd + 2)..].StartsWith(Tag, StringComparison.Ordinal))
        {
            return -1;
        }
        return tagEnd + 2 + Tag.Length;
    }

    // Fields as a CapturedFields (two arrays) rather than a dictionary per line: a scan's flood of alert lines
    // made a dictionary with its buckets and entries for each (70 MB per million bench lines).
    // The names array is the last line's when the keys are the same (a listener writes its keys in one order):
    // nothing changes it once made, so the fields of many lines may share it.
    private static GrammarMatch? FromPairs(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var names = _lastNames is { } last && SameNames(last, pairs) ? last : NewNames(pairs);
        if (names is null)
        {
            return null;
        }
        _lastNames = names;
        var values = new string?[pairs.Count];
        string? host = null;
        for (var i = 0; i < pairs.Count; i++)
        {
            var (key, value) = pairs[i];
            values[i] = names[i] is "proto" or "kind" ? value.ToLowerInvariant() : value;
            if (key == "src")
            {
                host = value;
            }
        }
        return host is null ? null : new GrammarMatch(host, new CapturedFields(names, values));
    }

    private static string NameOf(string key) => key switch
    {
        "src" => "ip",
        "dport" => "port",
        _ => key,
    };

    private static bool SameNames(string[] names, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        if (names.Length != pairs.Count)
        {
            return false;
        }
        for (var i = 0; i < names.Length; i++)
        {
            if (!string.Equals(names[i], NameOf(pairs[i].Key), StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    // A repeated key makes the line ambiguous: null, to refuse it rather than guess which one is true.
    private static string[]? NewNames(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var names = new string[pairs.Count];
        for (var i = 0; i < names.Length; i++)
        {
            var name = NameOf(pairs[i].Key);
            if (Array.IndexOf(names, name, 0, i) >= 0)
            {
                return null;
            }
            names[i] = name;
        }
        return names;
    }

    [ThreadStatic]
    private static string[]? _lastNames;

    private static readonly string[] ClassicNames = ["ip", "port", "proto"];
    private static readonly string[] ClassicNamesWithKind = ["ip", "port", "proto", "kind"];

    private static GrammarMatch Result(string host, string port, string proto, string? kind) =>
        new(host, kind is null
            ? new CapturedFields(ClassicNames, [host, port, proto])
            : new CapturedFields(ClassicNamesWithKind, [host, port, proto, kind]));
}
