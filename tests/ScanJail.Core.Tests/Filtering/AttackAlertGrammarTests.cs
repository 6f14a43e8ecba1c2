using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Filtering;

namespace ScanJail.Core.Tests.Filtering;

public sealed class AttackAlertGrammarTests
{
    [Theory]
    [InlineData("vm portsentry[1]: attackalert: TCP SYN/Normal scan from host: 192.0.2.2/192.0.2.2 to TCP port: 443", "192.0.2.2", "443", "tcp", "syn")]
    [InlineData("vm portsentry[1]: attackalert:  TCP NULL scan from host: 192.0.2.2/192.0.2.2 to TCP port: 22", "192.0.2.2", "22", "tcp", "null")]
    [InlineData("vm portsentry[1]: attackalert: TCP XMAS scan from host: 192.0.2.2/x.example to TCP port: 995", "192.0.2.2", "995", "tcp", "xmas")]
    [InlineData("vm portsentry[1]: attackalert: UDP scan from host: 192.0.2.2/192.0.2.2 to UDP port: 4", "192.0.2.2", "4", "udp", "udp")]
    [InlineData("vm portsentry[1]: attackalert: Connect from host: 192.0.2.2/192.0.2.2 to UDP port: 9", "192.0.2.2", "9", "udp", "connect")]
    [InlineData("listener[2]: attackalert: dport=22 src=2001:db8::2 kind=FIN proto=TCP", "2001:db8::2", "22", "tcp", "fin")]
    [InlineData("attackalert: src=192.0.2.3 dport=1", "192.0.2.3", "1", null, null)]
    public void Reads_the_syslog_dialects(string line, string host, string port, string? proto, string? kind)
    {
        var match = AttackAlertGrammar.Read(line);
        Assert.NotNull(match);
        Assert.Equal(host, match!.Host);
        Assert.Equal(host, match.Fields["ip"]);
        Assert.Equal(port, match.Fields["port"]);
        Assert.Equal(proto, match.Fields.GetValueOrDefault("proto"));
        Assert.Equal(kind, match.Fields.GetValueOrDefault("kind"));
    }

    [Fact]
    public void Reads_history_lines_and_keeps_unknown_keys()
    {
        var history = AttackAlertGrammar.Read("1795238499 - 11/21/2026 05:21:39 Host: 192.0.2.2/192.0.2.2 Port: 4 UDP Blocked");
        Assert.Equal(("192.0.2.2", "4", "udp"), (history!.Host, history.Fields["port"], history.Fields["proto"]));
        var extra = AttackAlertGrammar.Read("l[1]: attackalert: src=192.0.2.1 ttl=64 mode=atcp");
        Assert.Equal(("64", "atcp"), (extra!.Fields["ttl"], extra.Fields["mode"]));
    }

    [Fact]
    public void Gives_every_field_once_in_the_order_written()
    {
        var line = AttackAlertGrammar.Read("l[1]: attackalert: src=192.0.2.1 proto=TCP dport=22 kind=SYN mode=atcp sport=4000 dst=192.0.2.9 ttl=64");
        Assert.Equal(
            ["ip=192.0.2.1", "proto=tcp", "port=22", "kind=syn", "mode=atcp", "sport=4000", "dst=192.0.2.9", "ttl=64"],
            line!.Fields.Select(f => $"{f.Key}={f.Value}"));
        Assert.Equal(8, line.Fields.Count);
        var classic = AttackAlertGrammar.Read("vm portsentry[1]: attackalert: TCP SYN/Normal scan from host: 192.0.2.2/192.0.2.2 to TCP port: 443");
        Assert.Equal(["ip=192.0.2.2", "port=443", "proto=tcp", "kind=syn"], classic!.Fields.Select(f => $"{f.Key}={f.Value}"));
    }

    [Theory]
    [InlineData("vm portsentry[1]: attackalert: Host: 192.0.2.2/192.0.2.2 is already blocked Ignoring")]
    [InlineData("vm portsentry[1]: attackalert: Host: 192.0.2.2 is already blocked. Ignoring")]
    [InlineData("vm portsentry[1]: attackalert: Ignoring TCP response per configuration file setting.")]
    [InlineData("vm portsentry[1]: attackalert: Host 192.0.2.2 has been blocked via dropped route using command: \"/x 192.0.2.2 1 tcp\"")]
    [InlineData("vm sshd[1]: Invalid user attackalert: src=198.51.100.7 from 203.0.113.9 port 22")]
    [InlineData("vm l[1]: attackalert: src=192.0.2.1 src=198.51.100.7")]
    [InlineData("vm l[1]: attackalert: src=192.0.2.1 ip=198.51.100.7")]
    [InlineData("vm l[1]: attackalert: src=192.0.2.1 dport=22 port=23")]
    [InlineData("vm l[1]: attackalert: proto=tcp dport=22")]
    [InlineData("")]
    public void Refuses_notices_and_hostile_lines(string line) => Assert.Null(AttackAlertGrammar.Read(line));

    [Fact]
    public void Never_throws_on_arbitrary_text()
    {
        string[] pieces = ["attackalert:", " ", "  ", "src=", "192.0.2.1", "/", "TCP", "UDP", " scan", " from host: ", " to ", " port: ",
            "99999999999", "=", "Host: ", " Port: ", " Blocked", "1795238480", " - ", "SYN/Normal", "Connect", "x[1]: ", "\n", "\0"];
        var lines = Gen.Elements(pieces).ListOf().Select(parts => string.Concat(parts));
        Prop.ForAll(lines.ToArbitrary(), line =>
        {
            _ = AttackAlertGrammar.Read(line);
            return true;
        }).QuickCheckThrowOnFailure();
        Prop.ForAll<string>(line =>
        {
            _ = AttackAlertGrammar.Read(line ?? "");
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Fast_readers_give_exactly_what_the_grammar_gives()
    {
        // Near-misses of both syslog dialects: every piece the fast readers look at, and the ones they refuse.
        string[] pieces = [" ", "  ", "src=", "dport=", "proto=", "kind=", "_k9=", "9k=", "=", "==", "192.0.2.1", "2001:db8::1", "/", "/x.example",
            "TCP", "UDP", "tcp", " scan", "scan", " SYN", "SYN", "/Normal", "/", " from host: ", " to ", " port: ", "443", "65535", "65536", "123456",
            "Connect", "FIN", "\t", "\u00e9", "\r", "x"];
        var messages = Gen.Elements(pieces).ListOf().Select(parts => "vm l[1]: attackalert:" + string.Concat(parts));
        string[] shapes = ["vm l[1]: attackalert: src=192.0.2.1 proto=tcp dport=22 kind=syn", "vm p[2]: attackalert: TCP SYN/Normal scan from host: 192.0.2.2/192.0.2.2 to TCP port: 443",
            "vm p[2]: attackalert: UDP scan from host: 192.0.2.2/n to UDP port: 9  ", "attackalert: Connect from host: 192.0.2.2 to TCP port: 1"];
        var edited = Gen.Elements(shapes).SelectMany(shape => Gen.Choose(0, shape.Length - 1).SelectMany(at => Gen.Elements(pieces).Select(piece => shape.Insert(at, piece))));
        var taken = 0;
        foreach (var lines in new[] { messages, edited, Gen.Elements(shapes) })
        {
            Prop.ForAll(lines.ToArbitrary(), line =>
            {
                var fast = AttackAlertGrammar.Read(line);
                var grammar = AttackAlertGrammar.ReadWithGrammar(line);
                // The characters-only reader (a file source's lines) either leaves the line to the grammar or gives its answer.
                var chars = AttackAlertGrammar.TryReadChars(line, out var fromChars);
                taken += chars ? 1 : 0;
                return Same(fast, grammar) && (!chars || Same(fromChars, grammar));
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
        }
        Assert.True(taken > 1000, $"the characters-only reader took only {taken} lines");
    }

    [Fact]
    public void Answers_read_one_after_another_keep_what_the_grammar_gives()
    {
        // The reader shares a value or the names between lines that repeat them: an answer must not change when
        // later lines are read (keys in other orders, other counts, repeated, values that change or repeat).
        string[] keys = ["src", "dport", "proto", "kind", "mode", "sport", "dst", "port", "x_1", "src"];
        string[] values = ["192.0.2.1", "2001:db8::1", "22", "tcp", "TCP", "syn", "Syn", "atcp", "198.18.0.1", "x=y"];
        var pair = Gen.Elements(keys).SelectMany(key => Gen.Elements(values).Select(value => $"{key}={value}"));
        var keyValues = pair.ListOf().Select(pairs => "vm l[1]: attackalert: " + string.Join(' ', pairs));
        var classic = Gen.Elements("SYN", "syn", "FIN", "Xmas", "NULL").SelectMany(kind => Gen.Elements(values).Select(host =>
            $"vm p[2]: attackalert: TCP {kind}/Normal scan from host: {host}/{host} to TCP port: 443"));
        var lines = Gen.Frequency((4, keyValues), (1, classic)).ListOf();
        var taken = 0;
        Prop.ForAll(lines.ToArbitrary(), batch =>
        {
            var read = batch.Select(line => (line, chars: AttackAlertGrammar.TryReadChars(line, out var found), found)).ToList();
            taken += read.Count(r => r.chars && r.found is not null);
            return read.All(r => !r.chars || Same(r.found, AttackAlertGrammar.ReadWithGrammar(r.line)));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
        Assert.True(taken > 1000, $"the reader matched only {taken} lines");
    }

    private static bool Same(GrammarMatch? a, GrammarMatch? b) =>
        (a is null && b is null)
        || (a is not null && b is not null && a.Host == b.Host
            && a.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).SequenceEqual(b.Fields.OrderBy(f => f.Key, StringComparer.Ordinal)));
}
