using ScanJail.Core.Bans;
using ScanJail.Core.Net;

namespace ScanJail.Core.Configuration;

/// <summary>
/// What a jail gets when neither the jail nor <c>defaults:</c> sets a key. <c>enabled</c> is not here:
/// it depends on where the jail is written (see <see cref="JailResolver"/>).
/// </summary>
internal static class BuiltinDefaults
{
    public static readonly TimeSpan FindTime = TimeSpan.FromMinutes(10);
    public const int MaxRetry = 5;
    public static readonly TimeSpan BanTime = TimeSpan.FromMinutes(10);
    public const bool IgnoreSelf = true;
    public const string Action = "log";

    public static JailLayer Layer { get; } = new()
    {
        FindTime = new(FindTime, "", null),
        MaxRetry = new(MaxRetry, "", null),
        BanTime = new(new BanTimePolicy(BanTime), "", null),
        IgnoreIp = new([Network("127.0.0.0/8"), Network("::1")], "", null),
        IgnoreSelf = new(IgnoreSelf, "", null),
        Actions = new([new NamedReference(Action, new Dictionary<string, string>(), null, "actions")], "", null),
    };

    private static IpNetwork Network(string text) =>
        IpNetwork.TryParse(text, out var network) ? network! : throw new InvalidOperationException($"built-in network '{text}' does not parse");
}
