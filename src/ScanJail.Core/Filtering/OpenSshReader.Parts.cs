using System.Buffers;
using System.Runtime.CompilerServices;

namespace ScanJail.Core.Filtering;

// The patterns' parts: captures read from the line's end, and the shapes of <HOST> (HostPatterns.Host).
internal sealed partial class OpenSshReader
{
    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789ABCDEFabcdef");
    private static readonly SearchValues<char> HexOrColon = SearchValues.Create("0123456789ABCDEFabcdef:");
    private static readonly SearchValues<char> NameOrDot = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");
    private static readonly SearchValues<char> LowerOrSpace = SearchValues.Create("abcdefghijklmnopqrstuvwxyz ");
    private static readonly SearchValues<char> Digit = SearchValues.Create("0123456789");

    // (?:invalid user )?(?<user>.*)SEP<HOST> port (?<sport>\d+)TAIL$, SEP " from " or " ". The address, the
    // port and the tail hold no space, so the only split that can match is read from the end; the optional
    // "invalid user " is taken when the user name can still start after it (the group is greedy).
    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReaderMatch UserHostPort(ReadOnlySpan<char> line, int pattern, int userStart, bool from, bool invalidUser, string tail)
    {
        if (!line.EndsWith(tail, StringComparison.Ordinal))
        {
            return ReaderMatch.Missed;
        }
        var portEnd = line.Length - tail.Length;
        var portStart = line[..portEnd].LastIndexOfAnyExcept(Digit) + 1;
        if (portStart == portEnd || !line[..portStart].EndsWith(" port ", StringComparison.Ordinal))
        {
            return ReaderMatch.Missed;
        }
        var hostEnd = portStart - 6;
        var space = line[..hostEnd].LastIndexOf(' ');
        if (space < 0 || !IsHost(line[(space + 1)..hostEnd]))
        {
            return ReaderMatch.Missed;
        }
        var hostStart = space + 1;
        var userEnd = space;
        if (from)
        {
            if (!line[..hostStart].EndsWith(" from ", StringComparison.Ordinal))
            {
                return ReaderMatch.Missed;
            }
            userEnd = hostStart - 6;
        }
        if (invalidUser && At(line, userStart, "invalid user ") && userStart + 13 <= userEnd)
        {
            userStart += 13;
        }
        return userStart > userEnd
            ? ReaderMatch.Missed
            : new ReaderMatch(ReaderOutcome.Matched, pattern, hostStart..hostEnd, userStart..userEnd, portStart..portEnd);
    }

    // " WORD WORD" at the end of the line (\S+ \S+$): where its first space is.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TailWords(ReadOnlySpan<char> line, out int start)
    {
        var second = line.LastIndexOf(' ');
        start = second <= 0 ? -1 : line[..second].LastIndexOf(' ');
        return second >= 0 && second < line.Length - 1 && start >= 0 && start < second - 1;
    }

    // banner exchange: Connection from <HOST> port N: (?:invalid format|could not read protocol version)(?: \[preauth\])?$
    private static ReaderMatch Banner(ReadOnlySpan<char> line, int at)
    {
        if (!HostPort(line, at, out var host, out var port) || After(line, port.End.Value, ": ") is not (var reason and >= 0))
        {
            return ReaderMatch.Missed;
        }
        var end = After(line, reason, "invalid format") is var format and >= 0 ? format : After(line, reason, "could not read protocol version");
        return end == line.Length || (end >= 0 && After(line, end, " [preauth]") == line.Length)
            ? new ReaderMatch(ReaderOutcome.Matched, BannerPattern, host, null, port)
            : ReaderMatch.Missed;
    }

    // Unable to negotiate with <HOST> port N: no matching [a-z ]+ found\. Their offer: (no end anchor)
    private static ReaderMatch Negotiate(ReadOnlySpan<char> line, int at)
    {
        if (!HostPort(line, at, out var host, out var port) || After(line, port.End.Value, ": no matching ") is not (var words and >= 0))
        {
            return ReaderMatch.Missed;
        }
        // [a-z ]+ is greedy and " found" is made of its letters: it can only end where the run of them ends.
        var run = line[words..].IndexOfAnyExcept(LowerOrSpace);
        var end = words + run;
        return run > " found".Length && line[..end].EndsWith(" found", StringComparison.Ordinal) && At(line, end, ". Their offer: ")
            ? new ReaderMatch(ReaderOutcome.Matched, NegotiatePattern, host, null, port)
            : ReaderMatch.Missed;
    }

    // ; logname=\S* uid=\d+ euid=\d+ tty=\S* ruser=\S* rhost=<HOST>(?:  user=(?<user>.*))?$
    private static ReaderMatch Pam(ReadOnlySpan<char> line, int at)
    {
        var p = After(line, at, "; logname=");
        p = p < 0 ? -1 : AfterNumber(line, Word(line, p), " uid=");
        p = p < 0 ? -1 : AfterNumber(line, p, " euid=");
        p = p < 0 ? -1 : After(line, p, " tty=");
        p = p < 0 ? -1 : After(line, Word(line, p), " ruser=");
        var hostStart = p < 0 ? -1 : After(line, Word(line, p), " rhost=");
        if (hostStart < 0)
        {
            return ReaderMatch.Missed;
        }
        var hostEnd = Word(line, hostStart);
        if (!IsHost(line[hostStart..hostEnd]))
        {
            return ReaderMatch.Missed;
        }
        if (hostEnd == line.Length)
        {
            return new ReaderMatch(ReaderOutcome.Matched, PamPattern, hostStart..hostEnd, null, null);
        }
        var user = After(line, hostEnd, "  user=");
        return user < 0 ? ReaderMatch.Missed : new ReaderMatch(ReaderOutcome.Matched, PamPattern, hostStart..hostEnd, user..line.Length, null);
    }

    // <HOST> port (?<sport>\d+), read from the left: the address is the word up to the next space.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool HostPort(ReadOnlySpan<char> line, int at, out Range host, out Range port)
    {
        var hostEnd = Word(line, at);
        host = at..hostEnd;
        port = default;
        if (!IsHost(line[host]) || !At(line, hostEnd, " port "))
        {
            return false;
        }
        var digits = Digits(line, hostEnd + 6);
        port = (hostEnd + 6)..(hostEnd + 6 + digits);
        return digits > 0;
    }

    // HostPatterns.Host, matched by a whole word: an IPv6 shape or a host name (which covers a dotted quad).
    private static bool IsHost(ReadOnlySpan<char> word) => IsIPv6Shape(word) || IsHostName(word);

    // [0-9A-Fa-f]*:[0-9A-Fa-f:]*:(?:[0-9A-Fa-f]+|[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)?
    private static bool IsIPv6Shape(ReadOnlySpan<char> word)
    {
        var first = word.IndexOf(':');
        var last = word.LastIndexOf(':');
        if (first < 0 || first == last || word[..first].ContainsAnyExcept(Hex) || word[(first + 1)..last].ContainsAnyExcept(HexOrColon))
        {
            return false;
        }
        var tail = word[(last + 1)..];
        return !tail.ContainsAnyExcept(Hex) || IsDottedQuad(tail);
    }

    // [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+
    private static bool IsDottedQuad(ReadOnlySpan<char> word)
    {
        for (var part = 1; ; part++)
        {
            var other = word.IndexOfAnyExcept(Digit);
            if (other == 0 || word.IsEmpty)
            {
                return false;
            }
            if (other < 0)
            {
                return part == 4;
            }
            if (part == 4 || word[other] != '.')
            {
                return false;
            }
            word = word[(other + 1)..];
        }
    }

    // [A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*
    private static bool IsHostName(ReadOnlySpan<char> word) =>
        !word.IsEmpty && word[0] != '.' && word[^1] != '.' && !word.ContainsAnyExcept(NameOrDot) && !word.Contains("..", StringComparison.Ordinal);

    // The end of the word (no space) starting at at: \S* followed by a space or the end.
    private static int Word(ReadOnlySpan<char> line, int at)
    {
        var space = line[at..].IndexOf(' ');
        return space < 0 ? line.Length : at + space;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Digits(ReadOnlySpan<char> line, int at)
    {
        if (at >= line.Length)
        {
            return 0;
        }
        var other = line[at..].IndexOfAnyExcept(Digit);
        return other < 0 ? line.Length - at : other;
    }

    // Where the text after literal at at starts, or -1 when literal is not there.
    private static int After(ReadOnlySpan<char> line, int at, string literal) => At(line, at, literal) ? at + literal.Length : -1;

    // literal then \d+ at at: where the text after the digits starts, or -1.
    private static int AfterNumber(ReadOnlySpan<char> line, int at, string literal)
    {
        var digits = After(line, at, literal);
        var count = digits < 0 ? 0 : Digits(line, digits);
        return count == 0 ? -1 : digits + count;
    }

    private static bool At(ReadOnlySpan<char> line, int at, string text) =>
        at >= 0 && at <= line.Length && line[at..].StartsWith(text, StringComparison.Ordinal);
}
