using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Actions;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;

namespace ScanJail.Core.Tests.Configuration;

/// <summary>
/// Random YAML and random mutations of a valid configuration (jail.yaml, a filter, an action): loading
/// never throws; whatever is wrong comes back as collected errors.
/// </summary>
public sealed class ConfigPropertyTests
{
    private const string ValidJail = """
        defaults:
          findtime: 10m
          maxretry: 3
          bantime: { base: 1h, increment: { factor: 2, maxtime: 1w } }
          ignoreip: [127.0.0.0/8, "::1", 192.0.2.0/24]
          banprefix: { ipv6: 64 }
        jails:
          ssh:
            enabled: true
            source: [{ file: /var/log/auth.log, from: start, maxline: 4096 }, { syslog: "udp://127.0.0.1:5514" }]
            filter: { sshd: { mode: aggressive } }
            usedns: warn
            actions: [record, { record: { note: "x" } }]
          scan:
            source: stdin
            filter: sshd
            bantime: permanent
        """;

    private const string ValidFilter = """
        description: test
        precheck: [sshd]
        prefix: '^(?:\S+ ){3}sshd\[\d+\]: '
        failregex:
          - '^Failed password for (?<user>.*) from <HOST> port (?<sport>\d+) ssh2$'
        ignoreregex: ['^x$']
        datepattern: '%b %d %H:%M:%S'
        parameters: { mode: normal }
        """;

    private const string ValidAction = """
        parameters: { note: n }
        ban: [sh, -c, 'printf "%s\n" "$1"', x, "<ip> <note>"]
        unban: [["true"], ["true", "<ip>"]]
        timeout: 30s
        """;

    private static readonly string[] Tokens =
    [
        ":", ": ", "-", "- ", "[", "]", "{", "}", ",", "'", "\"", "&a ", "*a", "<<: *a", "!!binary ", "!!map", "? ", "|", ">", "\t", "\n", "\n  ",
        "~", "null", "1e999", "99999999999999999999", "-1", "0", "yes", "%", "@", "`", "#", "\\", "<HOST>", "(?<", "(", "${x}", "\u00e9", "\uFEFF", "\0",
    ];

    private static readonly Gen<(int Position, int Delete, string Insert)> Edit =
        from position in Gen.Choose(0, 10_000)
        from delete in Gen.Choose(0, 6)
        from insert in Gen.Elements(Tokens)
        select (position, delete, insert);

    [Fact]
    public void Mutated_valid_files_load_with_errors_never_exceptions()
    {
        using var dir = new TempConfigDirectory();
        dir.Write("shipped/filters/sshd.yaml", ValidFilter);
        dir.Write("shipped/actions/record.yaml", ValidAction);
        dir.Write("shipped/actions/log.yaml", ConfigFixtures.NoopAction);
        var which = Gen.Elements("etc/jail.yaml", "etc/filters/sshd.yaml", "etc/actions/record.yaml");
        Prop.ForAll(which.ToArbitrary(), Edit.NonEmptyListOf().ToArbitrary(), (file, edits) =>
        {
            var text = file.EndsWith("jail.yaml", StringComparison.Ordinal) ? ValidJail : file.Contains("filters", StringComparison.Ordinal) ? ValidFilter : ValidAction;
            foreach (var (position, delete, insert) in edits)
            {
                var at = position % (text.Length + 1);
                text = text[..at] + insert + text[Math.Min(text.Length, at + delete)..];
            }
            dir.Write("etc/jail.yaml", ValidJail);
            foreach (var stale in new[] { "etc/filters/sshd.yaml", "etc/actions/record.yaml" })
            {
                if (File.Exists(Path.Combine(dir.Root, stale)))
                {
                    File.Delete(Path.Combine(dir.Root, stale));
                }
            }
            dir.Write(file, text);
            return LoadsWithoutThrowing(dir);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Random_yaml_as_any_file_loads_with_errors_never_exceptions()
    {
        using var dir = new TempConfigDirectory();
        dir.Write("shipped/actions/log.yaml", ConfigFixtures.NoopAction);
        var yaml = Gen.OneOf(Gen.Elements(Tokens), Gen.Elements("jails", "defaults", "ssh", "source", "filter", "actions", "ban", "failregex", "x", " ", "  "))
            .ListOf().Select(string.Concat);
        Prop.ForAll(yaml.ToArbitrary(), text =>
        {
            dir.Write("etc/jail.yaml", text);
            dir.Write("etc/filters/f.yaml", text);
            var errors = new ConfigErrors();
            var filter = FilterLoader.Load(Path.Combine(dir.Dir, "filters", "f.yaml"), "f", errors);
            if (filter is not null)
            {
                FilterFactory.Create(filter, new Dictionary<string, string>(), errors, "j", new FilterOptions(TimeZoneInfo.Utc, TimeSpan.FromSeconds(5)));
            }
            ActionLoader.Parse(text, "actions/a.yaml", "a", errors);
            return LoadsWithoutThrowing(dir);
        }).QuickCheckThrowOnFailure();
    }

    // Found by the properties above: YamlDotNet threw InvalidOperationException and ArgumentException on these.
    [Theory]
    [InlineData("parameters: { note: n }\nban: [sh, -c,[printf \"%s\\n\"\t', x, \"<ip> <note>\"]\nunban: [[\"true\"]]\n")]
    [InlineData(" : xx${x}failregexdefaults,bansourcesourcesourcesshfailregex(?<filter,ban,#defaults0:  actions${x}actionsdefaultsyesx['[jailssshdefaults")]
    public void Yaml_that_trips_the_parser_itself_is_a_collected_error(string text)
    {
        var errors = new ConfigErrors();

        Assert.Null(YamlFile.ParseMapping(text, "actions/a.yaml", errors));
        Assert.Contains(errors.Items, e => e.Message.StartsWith("not valid YAML", StringComparison.Ordinal));
    }

    private static bool LoadsWithoutThrowing(TempConfigDirectory dir)
    {
        var result = dir.Load();
        if (result.Config is null)
        {
            // Refused: there must be something to tell the admin.
            return result.Errors.Count > 0;
        }
        var errors = new ConfigErrors();
        foreach (var jail in result.Config.Jails)
        {
            FilterFactory.Create(jail.Filter, jail.FilterParameters, errors, jail.Name, new FilterOptions(TimeZoneInfo.Utc, TimeSpan.FromSeconds(5)));
        }
        return true;
    }
}
