using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Sources.Syslog;

namespace ScanJail.Core.Tests.Sources.Syslog;

public sealed class SyslogParserTests
{
    [Fact]
    public void Reads_rfc3164_as_a_forwarding_rsyslog_sends_it()
    {
        var message = SyslogParser.Read("<38>Nov  1 10:00:01 web1 sshd[123]: Failed password for root from 192.0.2.7 port 52144 ssh2");

        Assert.Equal(new SyslogMessage(SyslogFormat.Rfc3164, 38, "Nov  1 10:00:01", "web1", "sshd", "123", null, [],
            "Failed password for root from 192.0.2.7 port 52144 ssh2"), message);
        Assert.Equal("Nov  1 10:00:01 web1 sshd[123]: Failed password for root from 192.0.2.7 port 52144 ssh2", message.FilterText());
    }

    [Fact]
    public void Reads_glibc_syslog_without_a_host_name()
    {
        var message = SyslogParser.Read("<86>Nov 21 05:21:20 sshd[99]: Invalid user bob from 192.0.2.8 port 1\n");

        Assert.Null(message.Host);
        Assert.Equal("sshd", message.AppName);
        Assert.Equal("Invalid user bob from 192.0.2.8 port 1", message.Message);
    }

    [Fact]
    public void Reads_rfc5424_with_structured_data_and_escapes()
    {
        var message = SyslogParser.Read("<38>1 2026-11-21T05:21:20.123456+01:00 web1 sshd 123 - [origin ip=\"192.0.2.1\" x=\"a\\\"b\\]c\\\\d\\e\"][meta seq=\"7\"] \uFEFFInvalid user bob from 192.0.2.8 port 1");

        Assert.Equal(SyslogFormat.Rfc5424, message.Format);
        Assert.Equal("2026-11-21T05:21:20.123456+01:00", message.Timestamp);
        Assert.Equal(2, message.StructuredData.Count);
        Assert.Equal("origin", message.StructuredData[0].Id);
        Assert.Equal(new KeyValuePair<string, string>("x", "a\"b]c\\d\\e"), message.StructuredData[0].Parameters[1]);
        Assert.Equal("Invalid user bob from 192.0.2.8 port 1", message.Message);
        Assert.Equal("2026-11-21T05:21:20.123456+01:00 web1 sshd[123]: Invalid user bob from 192.0.2.8 port 1", message.FilterText());
    }

    [Fact]
    public void Reads_rfc5424_nil_fields()
    {
        var message = SyslogParser.Read("<14>1 - - - - - -");

        Assert.Equal(new SyslogMessage(SyslogFormat.Rfc5424, 14, null, null, null, null, null, [], ""), message);
    }

    [Theory]
    [InlineData("no envelope at all")]
    [InlineData("<999>Nov  1 10:00:01 host x: y")]
    [InlineData("<abc>hello")]
    [InlineData("")]
    public void Text_without_an_envelope_is_the_message(string text)
    {
        var message = SyslogParser.Read(text);

        Assert.Equal(SyslogFormat.None, message.Format);
        Assert.Equal(text, message.FilterText());
    }

    [Fact]
    public void A_forged_host_name_cannot_smuggle_a_tag_into_the_host_field()
    {
        // "evil[1]:" holds '[' so it cannot be a host name: it is read as the tag.
        var message = SyslogParser.Read("<13>Nov  1 10:00:01 evil[1]: sshd[2]: Failed password for x from 192.0.2.9 port 1 ssh2");

        Assert.Null(message.Host);
        Assert.Equal("evil", message.AppName);
    }

    [Theory]
    [InlineData("<38>Nov  1 10:00:01 web1 sshd[123]: m")]
    [InlineData("<38>Nov  1 10:00:01 sshd: m")]
    [InlineData("<38>Nov  1 10:00:01 web1 just text")]
    [InlineData("<38>Nov  1 10:00:01x web1 sshd: m")]
    [InlineData("<38>2026-11-21T05:21:20+00:00 web1 sshd[1]: m")]
    [InlineData("<38>1 2026-11-21T05:21:20Z h a p m - text")]
    [InlineData("<38>1 2026-11-21T05:21:20Z h a p m -x")]
    [InlineData("<38>1 a b c d e ")]
    [InlineData("<38>sshd[12: m")]
    [InlineData("<38>Nov  1 10:00:01 host\tsshd: m")]
    [InlineData("<38>Feb 30 99:99:99 h t: m")]
    public void The_fast_path_agrees_with_the_grammar_on_examples(string text)
    {
        var fast = SyslogParser.TryFast(text);

        Assert.NotNull(fast);
        Assert.Equal(SyslogGrammar.Read(text), fast);
    }

    [Fact]
    public void The_fast_path_agrees_with_the_grammar_on_generated_messages()
    {
        // Pieces chosen to hit every branch: stamps of both kinds and broken ones, host names with
        // '[' or ':', tags with and without PIDs, RFC 5424 headers with nil and odd fields.
        string[] pieces =
        [
            "<13>", "<191>", "<0>", "<1000>", "1 ", "1", "Nov  1 10:00:01", "Jan 31 23:59:59", "Nov 1 10:00:01", "2026-11-21T05:21:20Z",
            "2026-", " ", "  ", "\t", "web1", "sshd", "sshd[12]", "[", "]", ":", ": ", "-", "- ", "x=", "é", "\uFEFF", "msg text", "1 - - - - - ",
        ];
        var gen = Gen.Elements(pieces).ListOf().Select(parts => string.Concat(parts));
        Prop.ForAll(gen.ToArbitrary(), text =>
        {
            var fast = SyslogParser.TryFast(text);
            return fast is null || fast.Equals(SyslogGrammar.Read(text));
        }).QuickCheckThrowOnFailure();
    }
}
