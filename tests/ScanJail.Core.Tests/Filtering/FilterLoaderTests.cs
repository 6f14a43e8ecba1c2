using ScanJail.Core.Filtering;

namespace ScanJail.Core.Tests.Filtering;

public sealed class FilterLoaderTests : IDisposable
{
    private readonly FilterFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Reads_every_key_of_the_schema()
    {
        var definition = _files.Load("full", """
            description: Demo
            prefix: '^\S+ demo: '
            failregex:
              - '^bad ${what} from <HOST>$'
            ignoreregex: ['^bad test']
            precheck: [demo]
            datepattern: 'yyyy-MM-dd HH:mm:ss'
            parameters: { what: login }
            """);
        Assert.Empty(_files.Errors.Items);
        Assert.NotNull(definition);
        Assert.Equal(("full", FilterKind.Regex, "Demo"), (definition!.Name, definition.Kind, definition.Description));
        Assert.Equal(@"^\S+ demo: ", definition.Prefix);
        Assert.Equal(2, definition.PrefixPattern!.Line);
        var pattern = Assert.Single(definition.FailRegex);
        Assert.Equal(("^bad ${what} from <HOST>$", 4, 5), (pattern.Pattern, pattern.Line, pattern.Column));
        Assert.Equal(["^bad test"], definition.IgnoreRegex.Select(p => p.Pattern));
        Assert.Equal(["demo"], definition.Precheck);
        Assert.Equal("yyyy-MM-dd HH:mm:ss", definition.DatePattern);
        Assert.Equal("login", definition.Parameters["what"]);
    }

    [Fact]
    public void Reports_every_problem_with_its_place()
    {
        Assert.Null(_files.Load("broken", """
            kind: regex
            failregx: ['<HOST>']
            datepattern: '%'
            grammar: attackalert
            parameters: { 9bad: x }
            """));
        var errors = _files.Errors.Sorted();
        Assert.Contains(errors, e => e.Line == 2 && e.Field == "failregx" && e.Message.Contains("unknown key", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 3 && e.Field == "datepattern");
        Assert.Contains(errors, e => e.Line == 4 && e.Field == "grammar");
        Assert.Contains(errors, e => e.Line == 5 && e.Field == "parameters.9bad");
        Assert.Contains(errors, e => e.Field == "failregex" && e.Message.Contains("at least one", StringComparison.Ordinal));
    }

    [Fact]
    public void A_grammar_filter_needs_a_known_grammar_and_no_failregex()
    {
        Assert.Null(_files.Load("g", """
            kind: grammar
            grammar: nosuch
            failregex: ['<HOST>']
            """));
        Assert.Contains(_files.Errors.Items, e => e.Line == 2 && e.Message.Contains("unknown grammar 'nosuch'", StringComparison.Ordinal));
        Assert.Contains(_files.Errors.Items, e => e.Line == 3 && e.Field == "failregex");
    }

    [Fact]
    public void An_unknown_kind_is_an_error() =>
        Assert.Null(_files.Load("k", "kind: magic\nfailregex: ['<HOST>']\n"));

    [Fact]
    public void A_missing_file_is_an_error_not_an_exception()
    {
        Assert.Null(FilterLoader.Load("/nonexistent/filters/x.yaml", "x", _files.Errors));
        Assert.Single(_files.Errors.Items);
    }
}
