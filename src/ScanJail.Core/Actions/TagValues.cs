using System.Globalization;
using System.Net.Sockets;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

/// <summary>
/// The values of one command run's tags: built-ins first, then the action's parameters, then the
/// failure's captures (attacker text, which never overrides the other two). The same values go to
/// the command's environment as <c>SCANJAIL_*</c> variables.
/// </summary>
internal sealed class TagValues : ITagSource
{
    /// <summary>Every variable ScanJail sets starts with this; inherited ones are removed first.</summary>
    public const string EnvironmentPrefix = "SCANJAIL_";

    private readonly Dictionary<string, string> _values;
    private readonly List<KeyValuePair<string, string>> _environment;

    private TagValues(Dictionary<string, string> values, List<KeyValuePair<string, string>> environment)
    {
        _values = values;
        _environment = environment;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Environment => _environment;

    /// <summary>The value of <paramref name="tag"/>, or the empty string when it has none.</summary>
    public string Get(string tag) => _values.GetValueOrDefault(tag, "");

    public static TagValues Of(IReadOnlyDictionary<string, string> values) =>
        new(values.ToDictionary(kv => kv.Key, kv => Clean(kv.Value), StringComparer.Ordinal), []);

    /// <param name="now">The time <c>&lt;remaining&gt;</c> counts from; without it, from the ban's start.</param>
    /// <param name="ignoreIp">The jail's ignoreip as space-separated networks (<c>&lt;ignoreip&gt;</c>); empty when not given.</param>
    public static TagValues For(Ban? ban, string jail, IReadOnlyDictionary<string, string> parameters, DateTimeOffset? now = null, string ignoreIp = "")
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var environment = new List<KeyValuePair<string, string>>();
        void Set(string name, string value, string envName)
        {
            value = Clean(value);
            values[name] = value;
            environment.Add(new(envName, value));
        }

        Set(TagNames.Jail, jail, EnvName("", TagNames.Jail));
        Set(TagNames.IgnoreIp, ignoreIp, EnvName("", TagNames.IgnoreIp));
        if (ban is not null)
        {
            var ci = CultureInfo.InvariantCulture;
            var bantime = ban.Duration is { } d ? ((long)d.TotalSeconds).ToString(ci) : "-1";
            var family = ban.Address.AddressFamily == AddressFamily.InterNetworkV6 ? "inet6" : "inet4";
            Set(TagNames.Ip, ban.Target, EnvName("", TagNames.Ip));
            Set(TagNames.BanTime, bantime, EnvName("", TagNames.BanTime));
            Set(TagNames.Failures, ban.Failures.ToString(ci), EnvName("", TagNames.Failures));
            Set(TagNames.Family, family, EnvName("", TagNames.Family));
            Set(TagNames.Time, ban.Start.ToUnixTimeSeconds().ToString(ci), EnvName("", TagNames.Time));
            Set(TagNames.Count, ban.Count.ToString(ci), EnvName("", TagNames.Count));
            Set(TagNames.Remaining, Remaining(ban, now ?? ban.Start).ToString(ci), EnvName("", TagNames.Remaining));
            Set(TagNames.V6, family == "inet6" ? "6" : "", EnvName("", TagNames.V6));
        }
        foreach (var (name, value) in parameters)
        {
            if (!TagNames.BuiltIns.Contains(name))
            {
                Set(name, value, EnvName("P_", name));
            }
        }
        if (ban is not null)
        {
            foreach (var (name, value) in ban.Fields)
            {
                if (name.Length == 0)
                {
                    continue;
                }
                // A capture is always in the environment, but fills a tag only when nothing else has that name.
                var clean = Clean(value);
                values.TryAdd(name, clean);
                environment.Add(new(EnvName("F_", name), clean));
            }
        }
        return new TagValues(values, environment);
    }

    /// <summary>Whole seconds left of the ban at <paramref name="now"/>, rounded up and at least 1; -1 when permanent.</summary>
    public static long Remaining(Ban ban, DateTimeOffset now) =>
        ban.End is { } end ? Math.Max(1, (long)Math.Ceiling((end - now).TotalSeconds)) : -1;

    /// <summary>
    /// NUL cannot travel in an argument or an environment variable (the kernel would cut the string
    /// there), so it becomes U+FFFD: the value stays one piece and visibly altered.
    /// </summary>
    public static string Clean(string value) => value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    /// <summary>SCANJAIL_ + prefix + the name upper-cased, anything but [A-Z0-9_] made '_'.</summary>
    public static string EnvName(string prefix, string name)
    {
        return string.Create(EnvironmentPrefix.Length + prefix.Length + name.Length, (prefix, name), static (span, state) =>
        {
            EnvironmentPrefix.AsSpan().CopyTo(span);
            state.prefix.AsSpan().CopyTo(span[EnvironmentPrefix.Length..]);
            var rest = span[(EnvironmentPrefix.Length + state.prefix.Length)..];
            for (var i = 0; i < state.name.Length; i++)
            {
                var c = char.ToUpperInvariant(state.name[i]);
                rest[i] = char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_';
            }
        });
    }
}
