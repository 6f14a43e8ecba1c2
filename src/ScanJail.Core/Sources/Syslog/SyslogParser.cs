namespace ScanJail.Core.Sources.Syslog;

/// <summary>
/// Reads one syslog message. The common shapes (RFC 3164 in all its variants, RFC 5424 without
/// structured data) are read by hand here, without allocating more than the fields; anything else
/// (structured data) goes to <see cref="SyslogGrammar"/>, the reference. A property test holds the
/// fast path to the grammar's answers.
/// </summary>
public static class SyslogParser
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Reads one message; trailing line ends and NULs (some senders add them) are dropped first.</summary>
    public static SyslogMessage Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimEnd('\n', '\r', '\0');
        return TryFast(trimmed) ?? SyslogGrammar.Read(trimmed);
    }

    /// <summary>A text with no envelope: all of it is the message.</summary>
    public static SyslogMessage Bare(string text) => new(SyslogFormat.None, null, null, null, null, null, null, [], text);

    /// <summary>The fast reading, or null when only the grammar can tell (structured data).</summary>
    internal static SyslogMessage? TryFast(string s)
    {
        if (!TryPriority(s, out var priority, out var at))
        {
            return Bare(s);
        }
        if (at + 1 < s.Length && s[at] == '1' && s[at + 1] == ' ')
        {
            switch (Fast5424(s, priority, at + 2, out var message))
            {
                case Outcome.Read: return message;
                case Outcome.NeedsGrammar: return null;
            }
        }
        return Fast3164(s, priority, at);
    }

    private enum Outcome
    {
        Read,
        NotThisFormat,
        NeedsGrammar,
    }

    private static bool TryPriority(string s, out int priority, out int end)
    {
        priority = 0;
        end = 0;
        if (s.Length < 3 || s[0] != '<')
        {
            return false;
        }
        var i = 1;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            priority = (priority * 10) + (s[i] - '0');
            i++;
            if (i > 4)
            {
                return false;
            }
        }
        if (i == 1 || i >= s.Length || s[i] != '>' || priority > 191)
        {
            return false;
        }
        end = i + 1;
        return true;
    }

    private static Outcome Fast5424(string s, int priority, int at, out SyslogMessage? message)
    {
        message = null;
        Span<int> starts = stackalloc int[5];
        Span<int> ends = stackalloc int[5];
        for (var f = 0; f < 5; f++)
        {
            starts[f] = at;
            while (at < s.Length && s[at] > ' ' && s[at] < 127)
            {
                at++;
            }
            ends[f] = at;
            if (at == starts[f] || at >= s.Length || s[at] != ' ')
            {
                return Outcome.NotThisFormat;
            }
            at++;
        }
        if (at >= s.Length)
        {
            return Outcome.NotThisFormat;
        }
        if (s[at] == '[')
        {
            return Outcome.NeedsGrammar;
        }
        if (s[at] != '-' || (at + 1 < s.Length && s[at + 1] != ' '))
        {
            return Outcome.NotThisFormat;
        }
        var text = at + 1 < s.Length ? s[(at + 2)..].TrimStart('\uFEFF') : "";
        message = new SyslogMessage(SyslogFormat.Rfc5424, priority,
            Field(s, starts[0], ends[0]), Field(s, starts[1], ends[1]), Field(s, starts[2], ends[2]),
            Field(s, starts[3], ends[3]), Field(s, starts[4], ends[4]), [], text);
        return Outcome.Read;
    }

    private static string? Field(string s, int start, int end) => end - start == 1 && s[start] == '-' ? null : s[start..end];

    private static SyslogMessage Fast3164(string s, int priority, int at)
    {
        var stampEnd = BsdStampEnd(s, at);
        if (stampEnd < 0)
        {
            stampEnd = IsoStampEnd(s, at);
        }
        if (stampEnd > 0 && stampEnd < s.Length && s[stampEnd] == ' ')
        {
            var stamp = s[at..stampEnd];
            var body = stampEnd;
            while (body < s.Length && s[body] == ' ')
            {
                body++;
            }
            if (TryTag(s, body, out var app, out var pid, out var rest))
            {
                return new SyslogMessage(SyslogFormat.Rfc3164, priority, stamp, null, app, pid, null, [], s[rest..]);
            }
            var hostEnd = body;
            while (hostEnd < s.Length && !char.IsWhiteSpace(s[hostEnd]))
            {
                hostEnd++;
            }
            var host = s.AsSpan(body, hostEnd - body);
            if (host.Length > 0 && !host.Contains('[') && host[^1] != ':' && hostEnd < s.Length && s[hostEnd] == ' ')
            {
                return TryTag(s, hostEnd + 1, out app, out pid, out rest)
                    ? new SyslogMessage(SyslogFormat.Rfc3164, priority, stamp, host.ToString(), app, pid, null, [], s[rest..])
                    : new SyslogMessage(SyslogFormat.Rfc3164, priority, stamp, host.ToString(), null, null, null, [], s[(hostEnd + 1)..]);
            }
            return new SyslogMessage(SyslogFormat.Rfc3164, priority, stamp, null, null, null, null, [], s[body..]);
        }
        return TryTag(s, at, out var app2, out var pid2, out var rest2)
            ? new SyslogMessage(SyslogFormat.Rfc3164, priority, null, null, app2, pid2, null, [], s[rest2..])
            : new SyslogMessage(SyslogFormat.Rfc3164, priority, null, null, null, null, null, [], s[at..]);
    }

    // "Nov  1 10:00:01": the index after it, or -1.
    private static int BsdStampEnd(string s, int at)
    {
        if (s.Length - at < 15 || Array.IndexOf(Months, s.Substring(at, 3)) < 0 || s[at + 3] != ' ')
        {
            return -1;
        }
        var day = (s[at + 4] == ' ' || char.IsAsciiDigit(s[at + 4])) && char.IsAsciiDigit(s[at + 5]);
        var time = s[at + 6] == ' ' && Digits(s, at + 7) && s[at + 9] == ':' && Digits(s, at + 10) && s[at + 12] == ':' && Digits(s, at + 13);
        return day && time ? at + 15 : -1;
    }

    private static bool Digits(string s, int at) => char.IsAsciiDigit(s[at]) && char.IsAsciiDigit(s[at + 1]);

    // "2026-11-21T05:21:20+00:00": four digits, a dash, then up to the next space.
    private static int IsoStampEnd(string s, int at)
    {
        if (s.Length - at < 5 || !Digits(s, at) || !Digits(s, at + 2) || s[at + 4] != '-')
        {
            return -1;
        }
        var end = s.IndexOf(' ', at + 5);
        return end < 0 ? s.Length : end;
    }

    // "sshd[123]: " or "kernel: ": the program name, the PID, and where the message starts.
    private static bool TryTag(string s, int at, out string? app, out string? pid, out int rest)
    {
        app = null;
        pid = null;
        rest = at;
        var i = at;
        while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not ('[' or ':'))
        {
            i++;
        }
        if (i == at || i >= s.Length)
        {
            return false;
        }
        var nameEnd = i;
        string? foundPid = null;
        if (s[i] == '[')
        {
            var close = s.IndexOf(']', i + 1);
            if (close < 0)
            {
                return false;
            }
            foundPid = s[(i + 1)..close];
            i = close + 1;
        }
        if (i >= s.Length || s[i] != ':')
        {
            return false;
        }
        i++;
        if (i < s.Length && s[i] == ' ')
        {
            i++;
        }
        app = s[at..nameEnd];
        pid = foundPid;
        rest = i;
        return true;
    }
}
