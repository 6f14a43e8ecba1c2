using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// One fail2ban date template: a regex with <c>%</c> directives (strftime letters, and fail2ban's
/// stricter <c>%Ex…</c> forms), <c>{^LN-BEG}</c> for "at the line's start", or the words
/// <c>EPOCH</c>, <c>LEPOCH</c> (milliseconds) and <c>TAI64N</c>. <see cref="TryRead"/> finds the
/// stamp and says where it stands, so the filter can cut it out of the line as fail2ban does.
/// </summary>
public sealed partial class Fail2BanDateTemplate
{
    private const string LineBegin = @"(?:^|(?<=^\W)|(?<=^\W{2}))";
    private static readonly string[] Months = CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames[..12];
    private static readonly string[] FullMonths = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12];

    private static readonly Dictionary<string, string> Directives = new(StringComparer.Ordinal)
    {
        ["Y"] = @"(?<Y>\d{4})",
        ["ExY"] = @"(?<Y>(?:19|20)\d{2})",
        ["y"] = @"(?<y>\d{2})",
        ["Exy"] = @"(?<y>\d{2})",
        ["m"] = @"(?<m>0?[1-9]|1[0-2])",
        ["Exm"] = @"(?<m>0[1-9]|1[0-2])",
        ["d"] = @"(?<d>[1-2]\d|[0 ]?[1-9]|3[0-1])",
        ["Exd"] = @"(?<d>[1-2]\d|0[1-9]|3[0-1])",
        ["H"] = @"(?<H>[0-1]?\d|2[0-3])",
        ["ExH"] = @"(?<H>[0-1]\d|2[0-3])",
        ["k"] = @" ?(?<H>[0-2]?\d)",
        ["Exk"] = @" ?(?<H>[0-1]?\d|2[0-3])",
        ["I"] = @"(?<I>1[0-2]|0?[1-9])",
        ["l"] = @" ?(?<I>1?\d)",
        ["Exl"] = @" ?(?<I>1[0-2]|\d)",
        ["M"] = @"(?<M>[0-5]?\d)",
        ["ExM"] = @"(?<M>[0-5]\d)",
        ["S"] = @"(?<S>[0-5]?\d|6[0-1])",
        ["ExS"] = @"(?<S>[0-5]\d|6[0-1])",
        ["f"] = @"(?<f>[0-9]{1,6})",
        ["p"] = @"(?<p>AM|PM)",
        ["a"] = @"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)",
        ["A"] = @"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)",
        ["b"] = "(?<b>" + string.Join('|', Months) + ")",
        ["B"] = "(?<B>" + string.Join('|', FullMonths) + ")",
        ["z"] = @"(?<z>Z|UTC|GMT|[+-][01]\d(?::?\d{2})?)",
        ["Exz"] = @"(?<z>Z|UTC|GMT|[+-][01]\d(?::?\d{2})?)",
        ["Z"] = @"(?<Z>Z|[A-Z]{3,5})",
        ["ExZ"] = @"(?<Z>Z|UTC|GMT|[A-Z]{3,5})",
        ["j"] = @"(?<j>36[0-6]|3[0-5]\d|[12]\d\d|0?[1-9]\d|0?0?[1-9])",
        ["%"] = "%",
    };

    private readonly Regex _regex;
    private readonly Kind _kind;

    private Fail2BanDateTemplate(Regex regex, Kind kind)
    {
        _regex = regex;
        _kind = kind;
    }

    private enum Kind
    {
        Pattern,
        Epoch,
        EpochMilliseconds,
        Tai64N,
    }

    /// <summary>fail2ban's default templates, in its order (used when a filter gives no datepattern).</summary>
    public static IReadOnlyList<string> Defaults { get; } =
    [
        @"%ExY(?P<_sep>[-/.])%m(?P=_sep)%d(?:T|  ?)%H:%M:%S(?:[.,]%f)?(?:\s*%z)?",
        @"(?:%a )?%b %d %k:%M:%S(?:\.%f)?(?: %ExY)?",
        @"(?:%a )?%b %d %ExY %k:%M:%S(?:\.%f)?",
        @"%d(?P<_sep>[-/])%m(?P=_sep)(?:%ExY|%Exy) %k:%M:%S",
        @"%d(?P<_sep>[-/])%b(?P=_sep)%ExY[ :]?%H:%M:%S(?:\.%f)?(?: %z)?",
        @"%m/%d/%ExY:%H:%M:%S",
        @"%m-%d-%ExY %k:%M:%S(?:\.%f)?",
        "EPOCH",
        @"{^LN-BEG}%H:%M:%S",
        @"^<%m/%d/%Exy@%H:%M:%S>",
        @"%Exy%Exm%Exd  ?%H:%M:%S",
        @"%b %d, %ExY %I:%M:%S %p",
        @"^%b-%d-%Exy %k:%M:%S",
        @"%ExY%Exm%Exd(?:T|  ?)%ExH%ExM%ExS(?:[.,]%f)?(?:\s*%z)?",
        @"(?:%Z )?(?:%a )?%b %d %k:%M:%S(?:\.%f)?(?: %ExY)?",
        @"(?:%z )?(?:%a )?%b %d %k:%M:%S(?:\.%f)?(?: %ExY)?",
        "TAI64N",
    ];

    /// <summary>Builds a template; <paramref name="lineBegin"/> anchors it at the line's start.</summary>
    public static bool TryCreate(string pattern, bool lineBegin, out Fail2BanDateTemplate? template, out string? problem)
    {
        template = null;
        problem = null;
        var text = pattern.Trim();
        if (text.StartsWith("{^LN-BEG}", StringComparison.Ordinal))
        {
            lineBegin = true;
            text = text["{^LN-BEG}".Length..];
        }
        else if (text.StartsWith('^') && text.Length > 1 && text[1..].ToUpperInvariant() is "EPOCH" or "LEPOCH" or "TAI64N")
        {
            lineBegin = true;
            text = text[1..];
        }
        var anchor = lineBegin ? LineBegin : "";
        switch (text.ToUpperInvariant())
        {
            case "EPOCH":
                template = new(Build(anchor.Length > 0 ? "^" : @"(?:^|(?<=^\[)|(?<=\baudit\())", @"(?<epoch>\d{10,11})\b(?:\.(?<frac>\d{3,6}))?"), Kind.Epoch);
                return true;
            case "LEPOCH":
                template = new(Build(anchor.Length > 0 ? "^" : @"(?:^|(?<=^\[)|(?<=\baudit\())", @"(?<epoch>\d{13})\b"), Kind.EpochMilliseconds);
                return true;
            case "TAI64N":
                template = new(Build(anchor.Length > 0 ? "^" : @"(?<![\w@])", "@(?<tai>[0-9a-fA-F]{24})"), Kind.Tai64N);
                return true;
        }
        if (!PythonRegex.TryTranslate(text, out var translated, out problem))
        {
            return false;
        }
        var body = new StringBuilder();
        for (var i = 0; i < translated.Length; i++)
        {
            if (translated[i] != '%' || i + 1 >= translated.Length)
            {
                body.Append(translated[i]);
                continue;
            }
            var key = translated.AsSpan(i + 1).StartsWith("Ex") && i + 3 < translated.Length ? translated.Substring(i + 1, 3) : translated.Substring(i + 1, 1);
            if (!Directives.TryGetValue(key, out var directive))
            {
                problem = $"the date directive %{key} is not supported; use %Y %m %d %H %M %S %f %b %a %z %Z %p %I %k (or their %Ex forms)";
                return false;
            }
            body.Append(directive);
            i += key.Length;
        }
        var start = anchor.Length > 0 ? anchor : (translated.StartsWith('^') ? "" : @"(?<!\w)");
        var end = translated.EndsWith('$') ? "" : @"(?!\w)";
        try
        {
            template = new(Build(start, body + end), Kind.Pattern);
        }
        catch (ArgumentException e)
        {
            problem = $"not a valid date pattern: {e.Message}";
            return false;
        }
        return true;
    }

    private static Regex Build(string start, string body) =>
        new(start + "(?<datetime>" + body + ")", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(500));

    /// <summary>Finds the stamp in <paramref name="line"/>: its position and time (year-less and time-only stamps as fail2ban reads them).</summary>
    public bool TryRead(string line, DateTimeOffset now, TimeZoneInfo zone, out int index, out int length, out DateTimeOffset time)
    {
        index = length = 0;
        time = default;
        Match m;
        try
        {
            m = _regex.Match(line);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
        if (!m.Success)
        {
            return false;
        }
        var group = m.Groups["datetime"];
        index = group.Index;
        length = group.Length;
        return _kind switch
        {
            Kind.Epoch => Epoch(m, 1, out time),
            Kind.EpochMilliseconds => Epoch(m, 1000, out time),
            Kind.Tai64N => Tai(m, out time),
            _ => FromParts(m, now, zone, out time),
        };
    }

    private static bool Epoch(Match m, long divisor, out DateTimeOffset time)
    {
        var seconds = long.Parse(m.Groups["epoch"].Value, CultureInfo.InvariantCulture);
        var ticks = seconds * (TimeSpan.TicksPerSecond / divisor);
        if (m.Groups["frac"] is { Success: true } frac)
        {
            ticks += (long)(double.Parse("0." + frac.Value, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond);
        }
        time = DateTimeOffset.UnixEpoch.AddTicks(ticks);
        return true;
    }

    private static bool Tai(Match m, out DateTimeOffset time)
    {
        var hex = m.Groups["tai"].Value;
        var label = long.Parse(hex[..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        // TAI64N: the label is 2^62 + seconds since 1970; fail2ban keeps whole seconds (and ignores leap seconds).
        time = DateTimeOffset.UnixEpoch.AddSeconds(label - (1L << 62));
        return true;
    }
}
