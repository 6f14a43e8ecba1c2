using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Core.Filtering.Fail2Ban;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Filtering;

/// <summary>
/// Log injection against every shipped filter and fail2ban's own sshd.conf: the client-controlled part
/// of a line (user name, disconnect reason, key exchange offer, the name portsentry resolved) carries
/// another address in every shape we know of, and text is appended after the real address. The filter
/// must give the real address or nothing; never the injected one.
/// </summary>
public sealed class InjectionTests
{
    private const string Real = "203.0.113.9";
    private const string Injected = "198.51.100.7";
    private const string Head = "Nov 21 10:00:00 host ";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly FilterOptions Options = new(TimeZoneInfo.Utc, TimeSpan.FromSeconds(30));

    /// <summary>What a client can put where <c>{U}</c> stands.</summary>
    public static readonly string[] Payloads =
    [
        $"x from {Injected}",
        $"x from {Injected} port 22 ssh2",
        $"x from {Injected} port 22",
        $"[client {Injected}]",
        $"x from {Injected} port 22 ssh2 from {Injected} port 23 ssh2",
        Injected,
        $"::ffff:{Injected}",
        $"x {Injected} port 22 [preauth]",
        $"x {Injected} port 22: Too many authentication failures [preauth]",
        $"rhost={Injected}",
        $"x rhost={Injected}  user=x",
        $"{Injected} port 22:11: bye [preauth]",
        $"attackalert: src={Injected} proto=tcp dport=22 kind=syn",
        $"attackalert: TCP SYN/Normal scan from host: {Injected}/{Injected} to TCP port: 22",
        $"sshd[1]: Failed password for root from {Injected} port 22 ssh2",
    ];

    /// <summary>
    /// Text after the end of a whole line. Not " from ADDR port N ssh2": sshd writes the end of its lines, and
    /// "... for alice from REAL port 22 ssh2 from ADDR port 22 ssh2" is exactly sshd's line for the user
    /// "alice from REAL port 22 ssh2" connecting from ADDR, so ADDR is right there. Client text after the real
    /// address inside a line (a key exchange offer, a disconnect reason, a PAM user, a resolved name) is in the templates.
    /// </summary>
    public static readonly string[] Suffixes =
    [
        $" {Injected}",
        $" [client {Injected}]",
        $" src={Injected}",
        $" from host: {Injected}/{Injected} to TCP port: 22",
    ];

    /// <summary>Lines of each filter with the client-controlled slot <c>{U}</c>; every template matches the real address with a plain user.</summary>
    public static readonly Dictionary<string, string[]> Templates = new(StringComparer.Ordinal)
    {
        ["sshd"] =
        [
            $"sshd[1]: Failed password for {{U}} from {Real} port 22 ssh2",
            $"sshd[1]: Failed password for invalid user {{U}} from {Real} port 22 ssh2",
            $"sshd-session[1]: Failed keyboard-interactive/pam for invalid user {{U}} from {Real} port 22 ssh2",
            $"sshd[1]: Invalid user {{U}} from {Real} port 22",
            $"sshd[1]: Connection closed by authenticating user {{U}} {Real} port 22 [preauth]",
            $"sshd[1]: Disconnected from invalid user {{U}} {Real} port 22 [preauth]",
            $"sshd[1]: error: maximum authentication attempts exceeded for invalid user {{U}} from {Real} port 22 ssh2 [preauth]",
            $"sshd[1]: Disconnecting invalid user {{U}} {Real} port 22: Too many authentication failures [preauth]",
            $"sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={Real}  user={{U}}",
            $"sshd[1]: Unable to negotiate with {Real} port 22: no matching key exchange method found. Their offer: {{U}}",
            $"sshd[1]: Received disconnect from {Real} port 22:11: {{U}} [preauth]",
        ],
        ["attackalert"] =
        [
            // portsentry writes "address/resolved name"; the name comes from the attacker's reverse DNS.
            $"portsentry[5]: attackalert: TCP SYN/Normal scan from host: {Real}/{{U}} to TCP port: 22",
            $"scanjail-listener[812]: attackalert: src={Real} proto=tcp dport=22 kind=syn mode=atcp",
            // Another program's line quoting a report in client text: no match at all.
            $"sshd[1]: Invalid user {{U}} from {Real} port 22",
        ],
    };

    [Fact]
    public void Every_shipped_filter_has_injection_templates()
    {
        var shipped = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "filters"), "*.yaml").Select(Path.GetFileNameWithoutExtension);
        Assert.Equal(shipped.Order(StringComparer.Ordinal), Templates.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("sshd", "normal")]
    [InlineData("sshd", "aggressive")]
    [InlineData("attackalert", "")]
    public void A_shipped_filter_never_takes_an_injected_address(string name, string mode)
    {
        var parameters = mode.Length == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["mode"] = mode };
        var errors = new ConfigErrors();
        var definition = FilterLoader.Load(Path.Combine(RepositoryRoot.Path, "filters", name + ".yaml"), name, errors);
        var filter = definition is null ? null : FilterFactory.Create(definition, parameters, errors, jail: null, Options);
        Assert.True(filter is not null, string.Join('\n', errors.Items));

        var templates = Templates[name];
        // Self-check: with a plain user each template's line is read (the aggressive-only one in aggressive mode).
        var plain = templates.Count(t => Address(filter!, t.Replace("{U}", "alice", StringComparison.Ordinal)) == Real);
        Assert.True(plain >= templates.Length - (mode == "normal" ? 2 : 1), $"only {plain} of {templates.Length} templates matched a plain line");
        AssertNeverInjected(filter!, templates);
    }

    [Fact]
    public void Fail2bans_own_sshd_filter_run_as_is_never_takes_an_injected_address()
    {
        foreach (var mode in new[] { "normal", "aggressive" })
        {
            var filter = Fail2BanFilterLoader.Load("/etc/fail2ban/filter.d/sshd.conf", new Dictionary<string, string> { ["mode"] = mode },
                TimeZoneInfo.Utc, TimeSpan.FromSeconds(30), out var problems);
            Assert.True(filter is not null, string.Join('\n', problems));
            var templates = Templates["sshd"];
            var plain = templates.Count(t => Address(filter!, t.Replace("{U}", "alice", StringComparison.Ordinal)) == Real);
            Assert.True(plain >= templates.Length / 2, $"{mode}: only {plain} of {templates.Length} templates matched a plain line");
            AssertNeverInjected(filter!, templates);
        }
    }

    private static void AssertNeverInjected(IFilter filter, string[] templates)
    {
        var wrong = new List<string>();
        var lines = 0;
        foreach (var template in templates)
        {
            var candidates = Payloads.Select(p => template.Replace("{U}", p, StringComparison.Ordinal))
                .Concat(Suffixes.Select(s => template.Replace("{U}", "alice", StringComparison.Ordinal) + s))
                .Concat(Payloads.Select(p => template.Replace("{U}", p + " " + p, StringComparison.Ordinal)));
            foreach (var line in candidates)
            {
                lines++;
                var address = Address(filter, line);
                if (address is not null && address != Real)
                {
                    wrong.Add($"{address} <- {line}");
                }
            }
        }
        Assert.True(wrong.Count == 0, $"{filter.Name}: injected addresses taken:\n" + string.Join('\n', wrong));
        Assert.True(lines > 50);
    }

    private static string? Address(IFilter filter, string message)
    {
        var result = filter.Match(Head + message, Now);
        return result.Outcome == MatchOutcome.Matched ? result.Address?.ToString() : null;
    }
}
