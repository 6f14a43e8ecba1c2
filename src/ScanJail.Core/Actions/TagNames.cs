namespace ScanJail.Core.Actions;

/// <summary>The tag grammar and the built-in tags every action gets.</summary>
internal static class TagNames
{
    public const string Ip = "ip";
    public const string Jail = "jail";
    public const string BanTime = "bantime";
    public const string Failures = "failures";
    public const string Family = "family";
    public const string Time = "time";
    public const string Count = "count";
    public const string Remaining = "remaining";
    public const string V6 = "v6";
    public const string IgnoreIp = "ignoreip";

    /// <summary>Built-ins come from the ban and the configuration, never from log text.</summary>
    public static readonly IReadOnlySet<string> BuiltIns =
        new HashSet<string>([Ip, Jail, BanTime, Failures, Family, Time, Count, Remaining, V6, IgnoreIp], StringComparer.Ordinal);

    /// <summary>[A-Za-z_][A-Za-z0-9_-]*</summary>
    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !IsFirst(name[0]))
        {
            return false;
        }
        foreach (var c in name[1..])
        {
            if (!IsRest(c))
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsFirst(char c) => char.IsAsciiLetter(c) || c == '_';

    public static bool IsRest(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-';
}
