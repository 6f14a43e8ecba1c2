using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// A fail2ban filter run as fail2ban runs it: the stamp found and cut out of the line, the last
/// <c>maxlines</c> lines joined, <c>prefregex</c> (its <c>F-CONTENT</c> is what the failregexes see),
/// the failregexes in order, <c>ignoreregex</c>, and <c>F-MLFID</c> merging for failures told over
/// several lines (<c>F-NOFAIL</c> waits, <c>F-MLFFORGET</c> ends a session). The host is
/// <c>ip4</c>/<c>ip6</c>/<c>dns</c>, else <c>F-ID</c>. Lines share state, so calls are serialised.
/// </summary>
public sealed partial class Fail2BanFilter : IFilter
{
    private const int MaxSessions = 10_000;
    private static readonly HashSet<string> Internal = new(StringComparer.Ordinal)
    {
        "ip4", "ip6", "dns", "cidr", "content", "mlfid", "nofail", "mlfforget", "mlfgained", "mlfpending",
    };

    private readonly Regex? _prefix;
    private readonly IReadOnlyList<Regex> _fail;
    private readonly IReadOnlyList<Regex> _ignore;
    private readonly Fail2BanDateDetector _dates;
    private readonly TimeZoneInfo _zone;
    private readonly int _maxLines;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, MultiLineFailure> _sessions = new(StringComparer.Ordinal);
    private readonly Queue<string> _sessionOrder = new();
    private List<string> _buffer = [];

    internal Fail2BanFilter(string name, Regex? prefix, IReadOnlyList<Regex> fail, IReadOnlyList<Regex> ignore,
        Fail2BanDateDetector dates, TimeZoneInfo zone, int maxLines)
    {
        Name = name;
        _prefix = prefix;
        _fail = fail;
        _ignore = ignore;
        _dates = dates;
        _zone = zone;
        _maxLines = Math.Max(1, maxLines);
    }

    public string Name { get; }

    public FilterResult Match(string line, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(line);
        var time = now;
        var text = line;
        if (_dates.TryFind(line, now, _zone, out var index, out var length, out var found))
        {
            time = found;
            text = string.Concat(line.AsSpan(0, index), line.AsSpan(index + length));
        }
        try
        {
            lock (_gate)
            {
                return MatchLocked(text, time);
            }
        }
        catch (RegexMatchTimeoutException)
        {
            FilterCounters.RegexTimeouts.Increment();
            return FilterResult.Missed;
        }
    }

    private FilterResult MatchLocked(string text, DateTimeOffset time)
    {
        if (_maxLines > 1)
        {
            _buffer.Add(text);
            if (_buffer.Count > _maxLines)
            {
                _buffer.RemoveRange(0, _buffer.Count - _maxLines);
            }
        }
        else
        {
            _buffer = [text];
        }
        var buffer = string.Join('\n', _buffer) + "\n";
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_prefix is not null)
        {
            var head = _prefix.Match(buffer);
            if (!head.Success)
            {
                return FilterResult.Missed;
            }
            Copy(_prefix, head, fields);
            if (fields.Remove("content", out var content) && content.Length > 0)
            {
                _buffer = [content];
                buffer = content + "\n";
            }
        }
        foreach (var regex in _fail)
        {
            var match = regex.Match(buffer);
            if (!match.Success)
            {
                continue;
            }
            if (_ignore.Any(i => i.IsMatch(buffer)))
            {
                return FilterResult.Ignored;
            }
            if (_maxLines > 1)
            {
                // The lines of this failure are used up; lines before it may still complete another.
                var startLine = buffer.AsSpan(0, match.Index).Count('\n');
                _buffer = _buffer.Take(startLine).ToList();
            }
            var fail = new Dictionary<string, string>(fields, StringComparer.Ordinal);
            Copy(regex, match, fail);
            if (fail.TryGetValue("mlfid", out var session))
            {
                fail = Merge(session, fail);
            }
            var host = Value(fail, "ip4") ?? Value(fail, "ip6") ?? Value(fail, "dns") ?? Value(fail, "fid");
            if (host is null)
            {
                // Still waiting for the line that names the host: remember a failure is pending.
                fail["mlfpending"] = "1";
                return FilterResult.Missed;
            }
            if (Value(fail, "nofail") is not null)
            {
                return FilterResult.Missed;
            }
            var visible = fail.Where(kv => !Internal.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            return MatchBuilder.Matched(host, time, visible);
        }
        return FilterResult.Missed;
    }

    private static string? Value(Dictionary<string, string> fail, string key) =>
        fail.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

    private static void Copy(Regex regex, Match match, Dictionary<string, string> into)
    {
        foreach (var name in regex.GetGroupNames())
        {
            if (char.IsAsciiDigit(name[0]) || name.StartsWith("cond_", StringComparison.Ordinal) || name.StartsWith('_'))
            {
                continue;
            }
            var group = match.Groups[name];
            if (group.Success)
            {
                into[name] = group.Value;
            }
        }
        // fail2ban's alt_NAME groups give NAME when NAME itself captured nothing.
        foreach (var alt in into.Keys.Where(k => k.StartsWith("alt_", StringComparison.Ordinal)).ToList())
        {
            var plain = alt[4..].TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9').TrimEnd('_');
            if (!into.TryGetValue(plain, out var existing) || existing.Length == 0)
            {
                into[plain] = into[alt];
            }
            into.Remove(alt);
        }
    }
}
