using System.Net;
using ScanJail.Core.Filtering;

namespace ScanJail.Core.Tests.Filtering;

public sealed class FilterFactoryTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly FilterFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_bad_regex_is_reported_at_its_line_and_column()
    {
        Assert.Null(_files.Create("""
            description: broken
            failregex:
              - '^ok <HOST>$'
              - '^bad ( <HOST>$'
            """));
        var error = Assert.Single(_files.Errors.Items);
        Assert.Equal((4, 5, "failregex", "jail1"), (error.Line, error.Column, error.Field, error.Jail));
        Assert.Contains("not a valid regular expression", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("test.yaml", error.File, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failregex_without_host_is_reported_at_its_line()
    {
        Assert.Null(_files.Create("""
            failregex:
              - '^Failed from <HOST>$'
              - '^no host here$'
            """));
        var error = Assert.Single(_files.Errors.Items);
        Assert.Equal(3, error.Line);
        Assert.Contains("<HOST>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_given_parameter_is_an_error()
    {
        Assert.Null(_files.Create("""
            failregex: ['^${word} <HOST>$']
            parameters: { word: Failed }
            """, new Dictionary<string, string> { ["wrod"] = "x" }));
        var error = Assert.Single(_files.Errors.Items);
        Assert.Equal("parameters.wrod", error.Field);
        Assert.Contains("it takes: word", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_without_a_value_is_reported_at_its_pattern()
    {
        Assert.Null(_files.Create("""
            failregex:
              - '^${missing} <HOST>$'
            """));
        var error = Assert.Single(_files.Errors.Items);
        Assert.Equal(2, error.Line);
        Assert.Contains("${missing} has no value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_parameters_override_defaults_and_may_name_other_parameters()
    {
        const string yaml = """
            failregex: ['^${verb_${mode}} from <HOST>$']
            parameters: { mode: normal, verb_normal: Failed, verb_loud: 'Failed|Refused' }
            """;
        var normal = _files.CreateValid(yaml);
        Assert.Equal(MatchOutcome.Matched, normal.Match("Failed from 192.0.2.1", Now).Outcome);
        Assert.Equal(MatchOutcome.Missed, normal.Match("Refused from 192.0.2.1", Now).Outcome);
        var loud = _files.CreateValid(yaml, new Dictionary<string, string> { ["mode"] = "loud" });
        Assert.Equal(MatchOutcome.Matched, loud.Match("Refused from 192.0.2.1", Now).Outcome);
    }

    [Fact]
    public void A_catastrophic_pattern_times_out_counts_and_misses_without_throwing()
    {
        // The backreference forces the backtracking engine; (a+)+ then explodes on a near miss.
        var filter = _files.Create("""
            failregex: ['^(a+)+\1b <HOST>$']
            """, timeout: TimeSpan.FromMilliseconds(20));
        Assert.NotNull(filter);
        var before = FilterCounters.RegexTimeouts.Value;
        var result = filter!.Match(new string('a', 40) + "! 192.0.2.1", Now);
        Assert.Equal(MatchOutcome.Missed, result.Outcome);
        Assert.True(FilterCounters.RegexTimeouts.Value > before);
    }

    [Fact]
    public void The_precheck_keeps_lines_without_its_literals_away()
    {
        var filter = _files.CreateValid("""
            precheck: [sshd]
            failregex: ['from <HOST>$']
            """);
        Assert.Equal(MatchOutcome.Missed, filter.Match("ftpd: login from 192.0.2.1", Now).Outcome);
        Assert.Equal(MatchOutcome.Matched, filter.Match("sshd: login from 192.0.2.1", Now).Outcome);
    }

    [Fact]
    public void An_ignored_line_comes_back_ignored()
    {
        var filter = _files.CreateValid("""
            failregex: ['from <HOST>']
            ignoreregex: ['test-suite']
            """);
        Assert.Equal(MatchOutcome.Ignored, filter.Match("test-suite from 192.0.2.1", Now).Outcome);
        Assert.Equal(MatchOutcome.Matched, filter.Match("login from 192.0.2.1", Now).Outcome);
    }

    [Fact]
    public void Mapped_IPv6_is_folded_to_IPv4_and_IPv6_kept()
    {
        var filter = _files.CreateValid("failregex: ['^from <HOST> port']");
        var mapped = filter.Match("from ::ffff:192.0.2.7 port 1", Now);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), mapped.Address);
        Assert.Equal("::ffff:192.0.2.7", mapped.RawHost);
        Assert.Equal(IPAddress.Parse("2001:db8::7"), filter.Match("from 2001:db8::7 port 1", Now).Address);
    }

    [Fact]
    public void A_host_name_is_captured_but_never_becomes_an_address()
    {
        var filter = _files.CreateValid("failregex: ['^from <HOST> port']");
        var result = filter.Match("from scanner.example.net port 1", Now);
        Assert.Equal(MatchOutcome.Matched, result.Outcome);
        Assert.Equal("scanner.example.net", result.RawHost);
        Assert.Null(result.Address);
        // ADDR takes addresses only; sloppy dotted forms are not addresses either.
        var strict = _files.CreateValid("failregex: ['^from <ADDR> port']");
        Assert.Equal(MatchOutcome.Missed, strict.Match("from scanner.example.net port 1", Now).Outcome);
        Assert.Null(strict.Match("from 010.1.1.1 port 1", Now).Address);
    }

    [Fact]
    public void Named_groups_become_fields_and_the_prefix_anchors_the_failregex()
    {
        var filter = _files.CreateValid("""
            prefix: '^\S+ (?<program>\w+)\[\d+\]: '
            failregex: ['^bad login (?<user>\S+) from <HOST>$']
            """);
        var result = filter.Match("Nov21 app[12]: bad login bob from 192.0.2.9", Now);
        Assert.Equal(MatchOutcome.Matched, result.Outcome);
        Assert.Equal("bob", result.Fields!["user"]);
        Assert.Equal("app", result.Fields!["program"]);
        Assert.False(result.Fields!.ContainsKey("host"));
        // ^ in a failregex stands where the prefix ends, not at the line's start.
        Assert.Equal(MatchOutcome.Missed, filter.Match("Nov21 app[12]: x bad login bob from 192.0.2.9", Now).Outcome);
        Assert.Equal(MatchOutcome.Missed, filter.Match("bad login bob from 192.0.2.9", Now).Outcome);
    }

    [Fact]
    public void A_line_without_a_stamp_takes_the_reading_time()
    {
        var filter = _files.CreateValid("failregex: ['from <HOST>$']");
        Assert.Equal(Now, filter.Match("login from 192.0.2.1", Now).Time);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 0, 1, TimeSpan.Zero), filter.Match("Nov 21 10:00:01 login from 192.0.2.1", Now).Time);
    }

    [Fact]
    public void A_given_datepattern_overrides_detection()
    {
        var filter = _files.CreateValid("""
            datepattern: 'dd.MM.yyyy HH:mm:ss'
            failregex: ['from <HOST>$']
            """);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero),
            filter.Match("20.11.2026 09:00:00 Nov 21 10:00:01 from 192.0.2.1", Now).Time);
    }

    [Fact]
    public void Filters_are_safe_to_use_from_many_threads()
    {
        var filter = _files.CreateValid("failregex: ['^(?<user>\\w+) from <HOST>$']");
        Parallel.For(0, 2000, i =>
        {
            var result = filter.Match($"u{i} from 192.0.{i % 256}.1", Now);
            Assert.Equal($"u{i}", result.Fields!["user"]);
            Assert.Equal(IPAddress.Parse($"192.0.{i % 256}.1"), result.Address);
        });
    }
}
