using System.Text.RegularExpressions;
using ScanJail.Core.Configuration;
using ScanJail.Core.Time;

namespace ScanJail.Core.Filtering;

public static class FilterFactory
{
    /// <summary>
    /// A match timeout is wall-clock time, so a busy machine that pauses a thread can make a sane
    /// regex time out and lose its line; 500 ms keeps that rare while still bounding a pattern that
    /// backtracks catastrophically on crafted input.
    /// </summary>
    public static readonly TimeSpan DefaultRegexTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Builds the live filter with <paramref name="parameters"/> applied over the definition's defaults.
    /// Every problem (bad regex, missing HOST, unknown parameter, unknown grammar) goes to <paramref name="errors"/>
    /// with the filter file's line; returns null if any.
    /// </summary>
    public static IFilter? Create(FilterDefinition definition, IReadOnlyDictionary<string, string> parameters, ConfigErrors errors, string? jail, FilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Items.Count;
        var file = definition.File;
        var zone = options?.Zone ?? TimeZoneInfo.Local;
        var timeout = options?.RegexTimeout ?? DefaultRegexTimeout;
        if (definition.Fail2Ban is { } fail2ban)
        {
            var merged = new Dictionary<string, string>(fail2ban.Parameters, StringComparer.Ordinal);
            foreach (var (key, value) in parameters)
            {
                merged[key] = value;
            }
            var loaded = Fail2Ban.Fail2BanFilterLoader.Load(file, merged, zone, timeout, out var problems);
            foreach (var problem in problems)
            {
                errors.Add(new ConfigError(file, 1, 1, jail, "filter", problem));
            }
            return loaded;
        }

        var values = new Dictionary<string, string>(definition.Parameters, StringComparer.Ordinal);
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!values.ContainsKey(key))
            {
                var known = values.Count == 0 ? "it takes none" : "it takes: " + string.Join(", ", values.Keys.Order(StringComparer.Ordinal));
                errors.Add(new ConfigError(file, 1, 1, jail, $"parameters.{key}", $"filter '{definition.Name}' has no parameter '{key}'; {known}"));
                continue;
            }
            values[key] = value;
        }

        DatePattern? datePattern = null;
        if (definition.DatePattern is { } format && !DatePattern.TryCreate(format, out datePattern, out var dateProblem))
        {
            errors.Add(new ConfigError(file, 1, 1, jail, "datepattern", dateProblem!));
        }
        var ignore = definition.IgnoreRegex
            .Select(p => Compile(p, "ignoreregex", values, timeout, file, jail, errors))
            .OfType<CompiledPattern>().ToArray();
        var precheck = new LinePrecheck(definition.Precheck);
        var clock = new LineClock(datePattern, zone);

        IFilter? filter = null;
        if (definition.Kind == FilterKind.Grammar)
        {
            if (definition.Grammar is null || !GrammarRegistry.TryGet(definition.Grammar, out var grammar))
            {
                var names = string.Join(", ", GrammarRegistry.Names.Order(StringComparer.Ordinal));
                errors.Add(new ConfigError(file, 1, 1, jail, "grammar", $"unknown grammar '{definition.Grammar}'; known grammars: {names}"));
            }
            else
            {
                filter = new GrammarFilter(definition.Name, precheck, grammar, ignore, clock);
            }
        }
        else
        {
            filter = CreateRegexFilter(definition, values, timeout, precheck, ignore, clock, jail, errors, options?.Fields != false);
        }
        if (errors.Items.Count > before)
        {
            return null;
        }
        if (options?.Lazy != true)
        {
            filter?.Prepare();
        }
        return filter;
    }

    private static RegexFilter? CreateRegexFilter(FilterDefinition definition, Dictionary<string, string> values, TimeSpan timeout,
        LinePrecheck precheck, CompiledPattern[] ignore, LineClock clock, string? jail, ConfigErrors errors, bool fields)
    {
        var file = definition.File;
        CompiledPattern? prefix = null;
        if (definition.Prefix is { } prefixText)
        {
            var at = definition.PrefixPattern ?? new FilterPattern(prefixText, 1, 1);
            prefix = Compile(at with { Pattern = prefixText }, "prefix", values, timeout, file, jail, errors);
            if (prefix is not null)
            {
                if (prefix.HostGroup >= 0)
                {
                    errors.Add(new ConfigError(file, at.Line, at.Column, jail, "prefix", "the prefix must not capture the host; put <HOST> in each failregex"));
                }
            }
        }
        if (definition.FailRegex.Count == 0)
        {
            errors.Add(new ConfigError(file, 1, 1, jail, "failregex", "a filter of kind regex needs at least one failregex"));
        }
        var fail = new List<CompiledPattern>();
        foreach (var pattern in definition.FailRegex)
        {
            if (Compile(pattern, "failregex", values, timeout, file, jail, errors) is not { } compiled)
            {
                continue;
            }
            if (compiled.HostGroup < 0)
            {
                errors.Add(new ConfigError(file, pattern.Line, pattern.Column, jail, "failregex",
                    $"'{pattern.Pattern}' has no <HOST> (or <ADDR>); put it where the address stands"));
                continue;
            }
            fail.Add(compiled);
        }
        var union = new Lazy<Regex?>(() => PatternCompiler.TryCombine(fail, timeout), LazyThreadSafetyMode.PublicationOnly);
        return new RegexFilter(definition.Name, precheck, prefix, [.. fail], union, ignore, clock, fields: fields);
    }

    private static CompiledPattern? Compile(FilterPattern pattern, string field, IReadOnlyDictionary<string, string> values, TimeSpan timeout,
        string file, string? jail, ConfigErrors errors)
    {
        if (!ParameterExpander.TryExpand(pattern.Pattern, values, out var expanded, out var problem))
        {
            errors.Add(new ConfigError(file, pattern.Line, pattern.Column, jail, field, problem!));
            return null;
        }
        var compiled = PatternCompiler.TryCompile(HostPatterns.Expand(expanded), timeout, out problem);
        if (compiled is null)
        {
            errors.Add(new ConfigError(file, pattern.Line, pattern.Column, jail, field, $"'{pattern.Pattern}' is {problem}"));
        }
        return compiled;
    }
}

/// <summary>
/// How a filter reads times: the zone of time stamps that carry none (default: the machine's).
/// <paramref name="Lazy"/>: build each regex when a line first needs it (a one-shot run over a file,
/// where most patterns may never be reached) instead of at once (the engine: no line waits for a build).
/// <paramref name="Fields"/> false: a regex filter's matches carry no named captures (for a tester that
/// reports only hosts and times, <c>scanjail regex</c>: two strings and two objects less per match).
/// </summary>
public sealed record FilterOptions(TimeZoneInfo? Zone = null, TimeSpan? RegexTimeout = null, bool Lazy = false, bool Fields = true);
