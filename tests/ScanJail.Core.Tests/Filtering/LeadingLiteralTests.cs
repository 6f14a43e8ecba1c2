using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Filtering;

/// <summary>
/// The leading literal gates failregexes before any scan, so it must never be wrong: every text a
/// pattern matches (anchored at its start) starts with the pattern's literal.
/// </summary>
public sealed class LeadingLiteralTests
{
    // Expected: the leads joined by '|'; "(none)" for no gate, "(never)" for a pattern that matches nothing.
    [Theory]
    [InlineData(@"^Failed (?:password|publickey) for <HOST>$", "Failed ")]
    [InlineData(@"^Invalid user (?<user>.*) from", "Invalid user ")]
    [InlineData(@"^(?:error: )?maximum", "error: maximum|maximum")]
    [InlineData(@"^(?:error: )??maximum x", "error: maximum x|maximum x")]
    [InlineData(@"^(?:error: )?\d", "(none)")]
    [InlineData(@"^(?:pam\(x\): a|PAM \d+ more); l", "pam(x): a; l|PAM ")]
    [InlineData(@"^(?:a|\d)b", "(none)")]
    [InlineData(@"^(?:ab)+c", "(none)")]
    [InlineData(@"^(?:a|b)|c", "(none)")]
    [InlineData(@"^(?:a(?:b|c)|d)e", "a|de")]
    [InlineData(@"^abc|def", "(none)")]
    [InlineData(@"^abc(?:x|y)", "abc")]
    [InlineData(@"^abc[|]d", "abc")]
    [InlineData(@"^ab*c", "a")]
    [InlineData(@"^ab?c", "a")]
    [InlineData(@"^ab{2}c", "a")]
    [InlineData(@"^a.b", "a")]
    [InlineData(@"^a\db", "a")]
    [InlineData(@"^\[x\] y\.", "[x] y.")]
    [InlineData(@"^\[x\]+", "[x")]
    [InlineData(@"^a(?x) b", "a")]
    [InlineData(@"^(?i)abc", "(none)")]
    [InlineData(@"^ab # c", "(none)")]
    [InlineData(@"abc", "(none)")]
    [InlineData(@"^[^\s\S]Received", "(never)")]
    [InlineData(@"^[^\s\S]?Received", "(none)")]
    [InlineData(@"^a$", "a")]
    [InlineData(@"^a[b-[c]]|d", "(none)")]
    public void Reads_the_literals_every_match_starts_with(string pattern, string expected)
    {
        var leads = LeadingLiteral.Of(HostPatterns.Expand(pattern));
        Assert.Equal(expected, leads is null ? "(none)" : leads.Length == 0 ? "(never)" : string.Join('|', leads));
    }

    [Fact]
    public void Every_match_of_a_generated_pattern_starts_with_its_literal()
    {
        string[] patternPieces = ["^", "a", "b", " ", "|", "(", "(?:", ")", ")?", "*", "+", "?", "{2}", "[ab]", "[|]", "\\.", "\\d", ".", "$", "\\|", ":", "(?i)", "[^\\s\\S]"];
        string[] textPieces = ["a", "b", " ", "|", ".", "1", ":", "A", "B", "ab", "aab"];
        var patterns = Gen.Elements(patternPieces).ListOf().Select(p => "^" + string.Concat(p));
        var texts = Gen.Elements(textPieces).ListOf().Select(p => string.Concat(p));
        Prop.ForAll(patterns.ToArbitrary(), texts.ToArbitrary(), (pattern, text) =>
        {
            Regex regex;
            try
            {
                regex = new Regex(pattern, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException)
            {
                return true;
            }
            return !regex.IsMatch(text) || LeadingLiteral.Of(pattern) is not { } leads || leads.Any(l => text.StartsWith(l, StringComparison.Ordinal));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Every_shipped_sshd_pattern_match_starts_with_its_literal()
    {
        var errors = new ConfigErrors();
        var definition = FilterLoader.Load(Path.Combine(RepositoryRoot.Path, "filters", "sshd.yaml"), "sshd", errors);
        Assert.NotNull(definition);
        string[] messages =
        [
            "Failed password for root from 192.0.2.1 port 22 ssh2", "Failed publickey for invalid user x from 2001:db8::1 port 2 ssh2",
            "Invalid user admin from 192.0.2.7 port 4", "Connection closed by invalid user a 192.0.2.1 port 9 [preauth]",
            "error: maximum authentication attempts exceeded for root from 192.0.2.1 port 3 ssh2 [preauth]",
            "banner exchange: Connection from 192.0.2.1 port 5: invalid format",
            "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.9",
            "Unable to negotiate with 192.0.2.1 port 1: no matching key exchange method found. Their offer: x",
        ];
        var literals = 0;
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mode in new[] { "normal", "aggressive" })
        {
            var values = new Dictionary<string, string>(definition.Parameters) { ["mode"] = mode };
            foreach (var failregex in definition.FailRegex)
            {
                Assert.True(ParameterExpander.TryExpand(failregex.Pattern, values, out var expanded, out _));
                var text = HostPatterns.Expand(expanded);
                var leads = LeadingLiteral.Of(text);
                literals += leads is null ? 0 : 1;
                var regex = new Regex(text, RegexOptions.CultureInvariant);
                foreach (var message in messages.Where(m => regex.IsMatch(m)))
                {
                    Assert.NotNull(leads);
                    Assert.Contains(leads, l => message.StartsWith(l, StringComparison.Ordinal));
                    matched.Add(message);
                }
            }
        }
        Assert.Equal(messages.Length, matched.Count);
        // Every shipped sshd pattern, in both modes, has a gate.
        Assert.Equal(2 * definition.FailRegex.Count, literals);
    }
}
