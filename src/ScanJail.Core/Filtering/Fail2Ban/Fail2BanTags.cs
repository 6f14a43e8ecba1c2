using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// Replaces fail2ban's regex tags by .NET groups (after <see cref="PythonRegex"/>): <c>&lt;HOST&gt;</c>
/// (groups <c>ip4</c>, <c>ip6</c>, <c>dns</c>), <c>&lt;ADDR&gt;</c>, <c>&lt;IP4&gt;</c>, <c>&lt;IP6&gt;</c>,
/// <c>&lt;DNS&gt;</c>, <c>&lt;CIDR&gt;</c>, <c>&lt;SUBNET&gt;</c>, <c>&lt;F-ID/&gt;</c>, <c>&lt;F-PORT/&gt;</c>,
/// <c>&lt;SKIPLINES&gt;</c>, and every <c>&lt;F-NAME&gt;...&lt;/F-NAME&gt;</c> pair as a group named
/// <c>name</c> (<c>F-ID</c> is <c>fid</c>, <c>F-PORT</c> is <c>fport</c>, as fail2ban names them).
/// A closing tag that was never opened stays literal text, as in fail2ban.
/// </summary>
public static partial class Fail2BanTags
{
    private const string IPv4 = @"(?:[0-9]{1,3}\.){3}[0-9]{1,3}";
    private const string IPv6 = @"(?:[0-9A-Fa-f]{1,4}:{1,2}|::){1,7}(?:[0-9A-Fa-f]{1,4}|(?<=:):)";
    private const string Ip4Group = @"(?:::[Ff]{4,6}:)?(?<ip4>" + IPv4 + ")";
    private const string Ip6Group = "(?<ip6>" + IPv6 + ")";
    private const string DnsGroup = @"(?<dns>[\w\-.^_]*\w)";
    private const string Addr = @"\[?(?:" + Ip4Group + "|" + Ip6Group + @")\]?";
    private const string Host = "(?:" + Addr + "|" + DnsGroup + ")";
    private const string Cidr = @"(?<cidr>\d+)";
    private const string Subnet = @"\[?(?:" + Ip4Group + "|" + Ip6Group + ")(?:/" + Cidr + @")?\]?";

    [GeneratedRegex(@"</?[\w\-]+/?>", RegexOptions.CultureInvariant)]
    private static partial Regex TagShape();

    [GeneratedRegex(@"^(/?)F-([A-Z0-9_\-]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex CustomTag();

    public static string Expand(string pattern)
    {
        var open = new HashSet<string>(StringComparer.Ordinal);
        var skipLines = 0;
        return TagShape().Replace(pattern, m =>
        {
            var name = m.Value[1..^1];
            switch (name)
            {
                case "HOST": return Host;
                case "ADDR" or "F-ADDR/": return Addr;
                case "IP4" or "F-IP4/": return Ip4Group;
                case "IP6" or "F-IP6/": return Ip6Group;
                case "DNS" or "F-DNS/": return DnsGroup;
                case "CIDR" or "F-CIDR/": return Cidr;
                case "SUBNET" or "F-SUBNET/": return Subnet;
                case "F-ID/": return @"(?<fid>\S+)";
                case "F-PORT/": return @"(?<fport>\w+)";
                case "SKIPLINES": return $@"\n(?<skiplines{skipLines++}>(?:(?:.*\n)*?))";
            }
            var custom = CustomTag().Match(name);
            if (!custom.Success)
            {
                return m.Value;
            }
            var tag = custom.Groups[2].Value;
            if (custom.Groups[1].Value == "/")
            {
                return open.Contains(tag) ? ")" : m.Value;
            }
            open.Add(tag);
            return "(?<" + GroupName(tag) + ">";
        });
    }

    /// <summary>fail2ban's name for the value an <c>F-NAME</c> tag captures.</summary>
    public static string GroupName(string tag)
    {
        var name = tag.ToLowerInvariant();
        return name switch
        {
            "id" => "fid",
            "port" => "fport",
            _ => name.Replace('-', '_'),
        };
    }
}
