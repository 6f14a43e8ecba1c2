using ScanJail.Core.Filtering.Fail2Ban;
using Xunit.Abstractions;

namespace ScanJail.Core.Tests.Filtering.Fail2Ban;

public sealed class Fail2BanSampleTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("sshd")]
    [InlineData("portsentry")]
    [InlineData("nginx-http-auth")]
    [InlineData("postfix")]
    [InlineData("dovecot")]
    [InlineData("apache-auth")]
    [InlineData("named-refused")]
    [InlineData("recidive")]
    public void Every_annotated_line_agrees_with_fail2ban(string name)
    {
        var outcome = Fail2BanSamples.Run(name);
        Assert.Null(outcome.LoadProblem);
        Assert.True(outcome.Tested > 0, "no sample line was tested");
        Assert.True(outcome.Differences.Count == 0, string.Join("\n", outcome.Differences));
        Assert.Equal(outcome.Tested, outcome.Agreeing);
    }

    /// <summary>The agreement table over every sample file in the package (for the issue's closing note).</summary>
    [Fact]
    public void Agreement_table_over_every_sample_file()
    {
        var outcomes = Fail2BanSamples.SampleNames().Select(Fail2BanSamples.Run).ToList();
        output.WriteLine($"{"filter",-28} {"agree",6} / {"tested",6}  skipped  first difference");
        foreach (var o in outcomes)
        {
            var first = o.LoadProblem ?? o.Differences.FirstOrDefault() ?? "";
            output.WriteLine($"{o.Name,-28} {o.Agreeing,6} / {o.Tested,6}  {o.Skipped,7}  {(first.Length > 200 ? first[..200] : first)}");
        }
        var agree = outcomes.Sum(o => o.Agreeing);
        var total = outcomes.Sum(o => o.Tested);
        output.WriteLine($"TOTAL {agree} / {total} lines agree; {outcomes.Count(o => o.Tested > 0 && o.Agreeing == o.Tested)} of {outcomes.Count} files fully");
        File.WriteAllLines(Path.Combine(AppContext.BaseDirectory, "fail2ban-agreement.txt"),
            outcomes.Select(o => $"{o.Name}\t{o.Agreeing}\t{o.Tested}\t{o.Skipped}\t{o.LoadProblem ?? o.Differences.FirstOrDefault() ?? ""}"));
        Assert.True(outcomes.Count >= 80, $"expected fail2ban's ~90 sample files, found {outcomes.Count}");
        Assert.True(agree > total / 2, $"only {agree} of {total} sample lines agree");
    }

    [Fact]
    public void Parameters_in_brackets_are_read()
    {
        Assert.True(Fail2BanReference.TryParse("fail2ban:sshd[mode=aggressive, publickey=\"any\"]", out var reference, out _));
        Assert.Equal("sshd", reference!.Target);
        Assert.Equal("aggressive", reference.Parameters["mode"]);
        Assert.Equal("any", reference.Parameters["publickey"]);
        Assert.Equal("/etc/fail2ban/filter.d/sshd.conf", reference.PathIn("/etc/fail2ban/filter.d"));
    }

    [Fact]
    public void Python_only_syntax_is_translated()
    {
        Assert.True(PythonRegex.TryTranslate(@"(?P<a>x)(?P=a)\Z{,3}", out var translated, out _));
        Assert.Equal(@"(?<a>x)\k<a>\z{0,3}", translated);
        Assert.False(PythonRegex.TryTranslate("(?L)x", out _, out var problem));
        Assert.Contains("(?L)", problem, StringComparison.Ordinal);
    }
}
