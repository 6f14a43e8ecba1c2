using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Tests.Support;

namespace ScanJail.Core.Tests.Filtering;

/// <summary>
/// The hand-written OpenSSH reader against the shipped sshd filter's regexes: the same filter with and
/// without the reader must give the same result (outcome, host, address, time, fields) for every line,
/// real or generated, matching or not. A change to filters/sshd.yaml or to the reader that breaks this
/// fails here; a change to the patterns alone switches the reader off (first tests).
/// </summary>
public sealed class OpenSshReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    // Pieces of the messages the patterns read, and of the near-misses around them.
    private static readonly string[] Pieces =
    [
        " ", "  ", "Failed ", "password", "keyboard-interactive/pam", "publickey", " for ", "invalid user ", "authenticating user ", "user ",
        "Invalid user ", "Connection closed by ", "Disconnected from ", "Disconnecting ", "error: ", "maximum authentication attempts exceeded for ",
        "banner exchange: Connection from ", "Unable to negotiate with ", "pam_unix(sshd:auth): authentication failure", "PAM 2 more authentication failures",
        "PAM ", "1", " more authentication failure", "; logname=", " uid=0", " euid=0", " tty=ssh", " ruser=", " rhost=", "  user=",
        " from ", "from", " port ", "port", "22", "65536", " ssh2", "ssh2", ": ", ":", " [preauth]", "[preauth]", ": Too many authentication failures",
        "invalid format", "could not read protocol version", ": no matching ", "key exchange method", " found", ". Their offer: ", "found.",
        "198.18.0.1", "2001:db8::1", "::ffff:192.0.2.1", "::", "1.2.3", "1.2.3.4.5", "host.example", "a..b", ".x", "x.", "-_", "fe80::1:2:3:4",
        "g::1", "1::2::3", ":1", "1:", "root", "ED25519 SHA256:abc", "x", "\t", "\u00e9", "\u0663", "\u00a0", "\r", "sshd[1]: ", "sshd-session[2]: ",
    ];

    // Prefixes around the program tag: words before it, a word ending in ':', too many words, other programs.
    private static readonly string[] Prefixes =
    [
        "Nov 21 10:00:01 host sshd[123]: ", "2026-11-21T05:20:19.346316+00:00 vm sshd-session[4242]: ", "sshd: ", "sshd-auth[1]: ", "a b c d e f sshd[1]: ",
        "a b c d e f g sshd[1]: ", "host: sshd[1]: ", "host  sshd[1]: ", " sshd[1]: ", "sshd[]: ", "sshd[x]: ", "sshdx[1]: ", "sshd[1]:", "host sshd-sessions[1]: ",
        "Nov 21 10:00:01 host CRON[1]: ", "", "sshd sshd[1]: ", "x sshd[1]:y sshd[2]: ",
    ];

    // The messages with slots: {U} a user name, {H} an address, {T} text where the patterns allow some or none.
    private static readonly string[] Templates =
    [
        "h sshd[1]: Failed password for {U} from {H} port 22 ssh2",
        "h sshd[1]: Failed keyboard-interactive/pam for invalid user {U} from {H} port 22 ssh2{T}",
        "h sshd[1]: Failed password for {U} from {H} port 22 ssh2: {T} {T}",
        "h sshd[1]: Invalid user {U} from {H} port 22{T}",
        "h sshd[1]: Connection closed by authenticating user {U} {H} port 22 [preauth]",
        "h sshd[1]: Disconnected from invalid user {U} {H} port 22 [preauth]{T}",
        "h sshd[1]: error: maximum authentication attempts exceeded for invalid user {U} from {H} port 22 ssh2 [preauth]",
        "h sshd[1]: Disconnecting authenticating user {U} {H} port 22: Too many authentication failures [preauth]",
        "h sshd[1]: banner exchange: Connection from {H} port 22: invalid format{T}",
        "h sshd[1]: error: banner exchange: Connection from {H} port 22: could not read protocol version [preauth]",
        "h sshd[1]: Unable to negotiate with {H} port 22: no matching {U} found. Their offer: {T}",
        "h sshd[1]: pam_unix(sshd:auth): authentication failure; logname={U} uid=0 euid=0 tty=ssh ruser= rhost={H}{T}",
        "h sshd[1]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost={H}  user={U}",
    ];

    [Fact]
    public void The_shipped_filter_in_normal_mode_has_the_reader_and_other_patterns_do_not()
    {
        Assert.True(Shipped().HasReader);
        Assert.False(Shipped(new Dictionary<string, string> { ["mode"] = "aggressive" }).HasReader);
        Assert.False(Shipped(new Dictionary<string, string> { ["methods"] = "password" }).HasReader);
        using var files = new FilterFiles();
        var edited = File.ReadAllText(ShippedPath()).Replace(@"port (?<sport>\d+)$", @"port (?<sport>\d+) ?$", StringComparison.Ordinal);
        Assert.False(((RegexFilter)files.CreateValid(edited)).HasReader);
    }

    [Fact]
    public void Reads_the_sample_log_and_the_bench_lines_as_the_regexes_do()
    {
        var (reader, regexes) = Both();
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "filters", "samples", "sshd.log"))
            .Where(l => !l.StartsWith('#') && l.Length > 0)
            .Concat(
            [
                "Nov 21 00:00:01 bench sshd[4242]: Failed password for invalid user admin from 198.18.12.34 port 52113 ssh2",
                "Nov 21 00:00:01 bench sshd[4242]: Invalid user oracle from 2001:db8:3::2a port 40022",
                "Nov 21 00:00:01 bench sshd[4242]: Accepted publickey for git from 198.18.12.34 port 52113 ssh2: ED25519 SHA256:abc",
                "Nov 21 00:00:01 bench sshd[4242]: Disconnected from user deploy 198.18.12.34 port 52113",
                "Nov 21 00:00:01 host sshd[1]: Failed password for invalid user  from 203.0.113.14 port 1023 ssh2",
                "Nov 21 00:00:01 host sshd[1]: Failed password for invalid user from 203.0.113.14 port 1023 ssh2",
                "Nov 21 00:00:01 host sshd[1]: Failed password for x from 1.2.3.4 port 5 ssh2 from 5.6.7.8 port 9 ssh2: RSA SHA256:x",
                "Nov 21 00:00:01 host sshd[1]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=a b",
            ])
            .ToArray();
        var matched = 0;
        foreach (var line in lines)
        {
            var fromReader = reader.Match(line, Now);
            Assert.True(Same(fromReader, regexes.Match(line, Now)), line);
            matched += fromReader.Outcome == MatchOutcome.Matched ? 1 : 0;
        }
        Assert.True(matched > 40, $"only {matched} of {lines.Length} lines matched");
    }

    [Fact]
    public void Reader_gives_exactly_what_the_regexes_give_on_generated_lines()
    {
        var (reader, regexes) = Both();
        var samples = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "filters", "samples", "sshd.log"))
            .Where(l => !l.StartsWith('#') && l.Contains("sshd", StringComparison.Ordinal)).ToArray();
        var messages = Gen.Elements(Prefixes).SelectMany(prefix => Gen.Elements(Pieces).ListOf().Select(parts => prefix + string.Concat(parts)));
        // A real line with a piece put in, or a stretch cut out: the near-misses of each pattern.
        var inserted = Gen.Elements(samples).SelectMany(line => Gen.Choose(0, line.Length).SelectMany(at => Gen.Elements(Pieces).Select(piece => line.Insert(at, piece))));
        var cut = Gen.Elements(samples).SelectMany(line => Gen.Choose(0, line.Length - 1).SelectMany(at => Gen.Choose(1, 12).Select(n => line.Remove(at, Math.Min(n, line.Length - at)))));
        var replaced = Gen.Elements(samples).SelectMany(line => Gen.Choose(0, line.Length - 1).SelectMany(at => Gen.Elements(Pieces).Select(piece => line.Remove(at, 1).Insert(at, piece))));
        // Each message's shape with hostile user names, address-like words and tails in its slots.
        var slot = Gen.Elements(Pieces).ListOf().Select(parts => string.Concat(parts));
        var host = Gen.Elements("198.18.0.1", "2001:db8::1", "::ffff:192.0.2.1", "::", "host.example", "1.2.3", "a..b", "g::1", "x", "1.2.3.4 port 5", "::ffff:1.2.3.", "::1.2.3.4.5", "::1.2..3", "1:2:3:4:5:6:7:8", "");
        var filled = Gen.Elements(Templates).SelectMany(template => slot.SelectMany(user => host.SelectMany(address => slot.Select(tail =>
            template.Replace("{U}", user, StringComparison.Ordinal).Replace("{H}", address, StringComparison.Ordinal).Replace("{T}", tail, StringComparison.Ordinal)))));
        var matched = 0;
        foreach (var lines in new[] { messages, filled, inserted, cut, replaced })
        {
            Prop.ForAll(lines.ToArbitrary(), line =>
            {
                var fromReader = reader.Match(line, Now);
                matched += fromReader.Outcome == MatchOutcome.Matched ? 1 : 0;
                // The characters-only overload (a file source's lines) answers the same, with and without the reader.
                return Same(fromReader, regexes.Match(line, Now)) && Same(reader.Match(line.AsSpan(), Now), fromReader) && Same(regexes.Match(line.AsSpan(), Now), fromReader);
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(10000));
        }
        // The edited real lines must still match often, or the property would only compare misses.
        Assert.True(matched > 4000, $"only {matched} generated lines matched");
    }

    private static bool Same(FilterResult a, FilterResult b) =>
        a.Outcome == b.Outcome && a.RawHost == b.RawHost && Equals(a.Address, b.Address) && a.Time == b.Time
        && (a.Fields ?? new Dictionary<string, string>()).OrderBy(f => f.Key, StringComparer.Ordinal)
            .SequenceEqual((b.Fields ?? new Dictionary<string, string>()).OrderBy(f => f.Key, StringComparer.Ordinal));

    private static (RegexFilter Reader, RegexFilter Regexes) Both()
    {
        var filter = Shipped();
        Assert.True(filter.HasReader);
        var regexes = filter.WithoutReader();
        Assert.False(regexes.HasReader);
        return (filter, regexes);
    }

    private static string ShippedPath() => Path.Combine(RepositoryRoot.Path, "filters", "sshd.yaml");

    private static RegexFilter Shipped(IReadOnlyDictionary<string, string>? parameters = null)
    {
        var errors = new ConfigErrors();
        var definition = FilterLoader.Load(ShippedPath(), "sshd", errors);
        Assert.NotNull(definition);
        // A generous timeout: this test is about what matches, and the machine may be busy.
        var filter = FilterFactory.Create(definition!, parameters ?? new Dictionary<string, string>(), errors, null, new FilterOptions(TimeZoneInfo.Utc, TimeSpan.FromSeconds(30)));
        Assert.True(filter is not null, string.Join(Environment.NewLine, errors.Items));
        return Assert.IsType<RegexFilter>(filter);
    }
}
