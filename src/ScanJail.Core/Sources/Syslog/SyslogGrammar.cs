using System.Globalization;
using Sprache;

namespace ScanJail.Core.Sources.Syslog;

/// <summary>
/// The syslog envelope as a Sprache grammar: RFC 5424 (structured data included) and RFC 3164 with
/// its common variants (no host name from a local socket, an RFC 3339 time stamp as rsyslog forwards).
/// This is the reference reading; <see cref="SyslogParser"/> has a hand-written fast path for the
/// common shapes that a property test holds to the same answers.
/// </summary>
public static class SyslogGrammar
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    // ASCII only: char.IsDigit would take other scripts' digits, which int.Parse refuses.
    private static readonly Parser<char> Digit = Parse.Char(char.IsAsciiDigit, "digit");

    private static readonly Parser<int> Priority =
        from open in Parse.Char('<')
        from digits in Digit.AtLeastOnce().Text().Where(d => d.Length <= 3)
        from close in Parse.Char('>')
        let value = int.Parse(digits, CultureInfo.InvariantCulture)
        where value <= 191
        select value;

    private static readonly Parser<string> Rest = Parse.AnyChar.Many().Text();

    // RFC 5424 header fields: printable US-ASCII without space; "-" is nil.
    private static readonly Parser<string> PrintUsAscii = Parse.Char(c => c > ' ' && c < 127, "printable ASCII").AtLeastOnce().Text();

    private static readonly Parser<string?> Field = PrintUsAscii.Select(t => t == "-" ? null : t);

    private static readonly Parser<char> Space = Parse.Char(' ');

    private static readonly Parser<char> ParamChar =
        Parse.Char('\\').Then(_ => Parse.Chars("\"\\]")).Or(Parse.Char('\\').Return('\\')).Or(Parse.CharExcept("\"\\"));

    private static readonly Parser<string> SdName = Parse.Char(c => c > ' ' && c < 127 && c is not ('=' or ']' or '"'), "SD-NAME character").AtLeastOnce().Text();

    private static readonly Parser<KeyValuePair<string, string>> SdParam =
        from space in Space
        from name in SdName
        from eq in Parse.Char('=')
        from open in Parse.Char('"')
        from value in ParamChar.Many().Text()
        from close in Parse.Char('"')
        select new KeyValuePair<string, string>(name, value);

    private static readonly Parser<StructuredElement> SdElement =
        from open in Parse.Char('[')
        from id in SdName
        from parameters in SdParam.Many()
        from close in Parse.Char(']')
        select new StructuredElement(id, [.. parameters]);

    private static readonly Parser<IReadOnlyList<StructuredElement>> StructuredData =
        Parse.Char('-').Return((IReadOnlyList<StructuredElement>)[])
            .Or(SdElement.AtLeastOnce().Select(e => (IReadOnlyList<StructuredElement>)[.. e]));

    private static readonly Parser<SyslogMessage> Rfc5424 =
        from priority in Priority
        from version in Parse.String("1 ")
        from timestamp in Field
        from s1 in Space
        from host in Field
        from s2 in Space
        from app in Field
        from s3 in Space
        from procId in Field
        from s4 in Space
        from msgId in Field
        from s5 in Space
        from sd in StructuredData
        from message in Space.Then(_ => Rest).Or(Parse.Return("")).End()
        select new SyslogMessage(SyslogFormat.Rfc5424, priority, timestamp, host, app, procId, msgId, sd, message.TrimStart('\uFEFF'));

    private static readonly Parser<string> Two = Digit.Repeat(2).Text();

    // "Nov  1 10:00:01" or "Nov 21 10:00:01".
    private static readonly Parser<string> BsdStamp =
        from month in Parse.Letter.Repeat(3).Text().Where(m => Months.Contains(m))
        from s1 in Space
        from day in Space.Then(_ => Digit).Select(d => " " + d).Or(Two)
        from s2 in Space
        from hh in Two
        from c1 in Parse.Char(':')
        from mm in Two
        from c2 in Parse.Char(':')
        from ss in Two
        select $"{month} {day} {hh}:{mm}:{ss}";

    // "2026-11-21T05:21:20.123456+00:00": four digits and a dash, then the rest of the token.
    private static readonly Parser<string> IsoStamp =
        from year in Digit.Repeat(4).Text()
        from dash in Parse.Char('-')
        from rest in Parse.CharExcept(' ').Many().Text()
        select year + "-" + rest;

    private static readonly Parser<(string Name, string? Pid)> Tag =
        from name in Parse.Char(c => !char.IsWhiteSpace(c) && c is not ('[' or ':'), "tag character").AtLeastOnce().Text()
        from pid in Parse.Char('[').Then(_ => Parse.CharExcept(']').Many().Text()).Then(p => Parse.Char(']').Return(p)).Optional()
        from colon in Parse.Char(':')
        from space in Space.Optional()
        select (name, pid.GetOrDefault());

    private static readonly Parser<string> HostName =
        Parse.Char(c => !char.IsWhiteSpace(c), "host character").AtLeastOnce().Text()
            .Where(h => !h.Contains('[', StringComparison.Ordinal) && !h.EndsWith(':'));

    private static readonly Parser<(string? Host, string? App, string? Pid, string Message)> TaggedBody =
        from tag in Tag
        from message in Rest
        select ((string?)null, (string?)tag.Name, tag.Pid, message);

    private static readonly Parser<(string? Host, string? App, string? Pid, string Message)> HostBody =
        from host in HostName
        from space in Space
        from rest in TaggedBody.Or(Rest.Select(m => ((string?)null, (string?)null, (string?)null, m)))
        select ((string?)host, rest.Item2, rest.Item3, rest.Item4);

    private static readonly Parser<(string? Host, string? App, string? Pid, string Message)> PlainBody =
        Rest.Select(m => ((string?)null, (string?)null, (string?)null, m));

    private static readonly Parser<SyslogMessage> Rfc3164 =
        (from priority in Priority
         from stamp in BsdStamp.Or(IsoStamp)
         from spaces in Space.AtLeastOnce()
         from body in TaggedBody.Or(HostBody).Or(PlainBody).End()
         select new SyslogMessage(SyslogFormat.Rfc3164, priority, stamp, body.Host, body.App, body.Pid, null, [], body.Message))
        .Or(from priority in Priority
            from body in TaggedBody.Or(PlainBody).End()
            select new SyslogMessage(SyslogFormat.Rfc3164, priority, null, null, body.App, body.Pid, null, [], body.Message));

    /// <summary>Reads <paramref name="text"/> (one message, framing removed) as RFC 5424, else RFC 3164, else as a bare message.</summary>
    public static SyslogMessage Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = Rfc5424.TryParse(text);
        if (result.WasSuccessful)
        {
            return result.Value;
        }
        result = Rfc3164.TryParse(text);
        return result.WasSuccessful ? result.Value : SyslogParser.Bare(text);
    }
}
