using System.Globalization;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions.Notify;

/// <summary>
/// The tag values of a notification: those every action has (<see cref="TagValues"/>: built-ins, then
/// parameters, then captures), plus <c>&lt;hostname&gt;</c>, <c>&lt;verb&gt;</c>, <c>&lt;start&gt;</c>,
/// <c>&lt;end&gt;</c> and <c>&lt;matches&gt;</c> (the lines that led to the ban), which captures cannot override.
/// </summary>
internal sealed class NotifyTags
{
    public const string HostName = "hostname";
    public const string Verb = "verb";
    public const string StartTag = "start";
    public const string EndTag = "end";
    public const string Matches = "matches";
    public const string Bans = "bans";
    public const string Ips = "ips";

    /// <summary>Tags a notification template may use beyond the built-ins and parameters, for the load-time check.</summary>
    public static readonly IReadOnlySet<string> Extra =
        new HashSet<string>([HostName, Verb, StartTag, EndTag, Matches, Bans, Ips], StringComparer.Ordinal);

    private readonly Dictionary<string, string> _extra;
    private readonly TagValues _values;

    private NotifyTags(Dictionary<string, string> extra, TagValues values)
    {
        _extra = extra;
        _values = values;
    }

    public string Get(string tag) => _extra.TryGetValue(tag, out var value) ? value : _values.Get(tag);

    public static NotifyTags For(ActionVerb verb, Ban ban, string jail, IReadOnlyDictionary<string, string> parameters, string hostName)
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [HostName] = hostName,
            [Verb] = ActionLoader.VerbKey(verb),
            [StartTag] = ban.Start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            [EndTag] = ban.End?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "permanent",
            [Matches] = string.Join('\n', ban.Lines ?? []),
        };
        return new NotifyTags(extra, TagValues.For(ban, jail, parameters));
    }

    /// <summary>The tags of a digest's subject: the jail, the host, how many bans and their addresses.</summary>
    public static NotifyTags ForDigest(IReadOnlyList<Ban> bans, string jail, IReadOnlyDictionary<string, string> parameters, string hostName)
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [HostName] = hostName,
            [Verb] = "ban",
            [Bans] = bans.Count.ToString(CultureInfo.InvariantCulture),
            [Ips] = string.Join(", ", bans.Select(b => b.Address)),
        };
        return new NotifyTags(extra, TagValues.For(null, jail, parameters));
    }

    /// <summary>Every tag filled with <paramref name="sample"/>: checks a template's shape at load.</summary>
    public static NotifyTags Sample(string sample) =>
        new(new Dictionary<string, string>(StringComparer.Ordinal), TagValues.Of(new Dictionary<string, string>()))
        {
            _sample = sample,
        };

    private string? _sample;

    /// <summary>Renders <paramref name="template"/>, passing each tag's value through <paramref name="escape"/> (JSON-escaping for webhooks).</summary>
    public string Render(ArgTemplate template, Func<string, string>? escape = null)
    {
        var text = new System.Text.StringBuilder();
        foreach (var part in template.Parts)
        {
            if (!part.IsTag)
            {
                text.Append(part.Text);
                continue;
            }
            var value = _sample ?? Get(part.Text);
            text.Append(escape is null ? value : escape(value));
        }
        return text.ToString();
    }
}
