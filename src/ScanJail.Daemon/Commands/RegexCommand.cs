using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Core.Filtering.Fail2Ban;

namespace ScanJail.Daemon.Commands;

/// <summary>
/// <c>scanjail regex LOG FILTER</c>: runs a filter over a log file, like fail2ban-regex, and prints
/// the lines read, matched, ignored and missed, the hosts found and sample lines (or, with --json,
/// one object with every match).
/// </summary>
internal static class RegexCommand
{
    private const int SampleLines = FilterRun.MatchedSampleCount;

    public static Command Create()
    {
        var log = new Argument<string>("LOG") { Description = "The log file to read" };
        var filter = new Argument<string>("FILTER") { Description = "A filter name (looked up in DIR/filters, then the shipped filters) or a path to a filter file" };
        var config = Options.ConfigDir();
        var json = Options.Json();
        var command = new Command("regex", "Test a filter on a log file") { log, filter, config, json };
        command.SetAction(parse => Run(parse.GetValue(log)!, parse.GetValue(filter)!, parse.GetValue(config)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(string logPath, string filterRef, string configDir, bool json)
    {
        var errors = new ConfigErrors();
        if (Fail2BanReference.Looks(filterRef))
        {
            return RunFail2Ban(logPath, filterRef, json);
        }
        var path = FindFilter(filterRef, Path.GetFullPath(configDir));
        if (path is null)
        {
            Console.Error.WriteLine($"scanjail: no filter '{filterRef}' in {configDir}/filters or the shipped filters");
            return ExitCodes.NoInput;
        }
        var definition = FilterLoader.Load(path, Path.GetFileNameWithoutExtension(path), errors);
        var filter = definition is null ? null : FilterFactory.Create(definition, new Dictionary<string, string>(), errors, null, new FilterOptions(Lazy: true, Fields: false));
        if (filter is null)
        {
            foreach (var error in errors.Sorted())
            {
                Console.Error.WriteLine(error);
            }
            return ExitCodes.Config;
        }
        if (!File.Exists(logPath))
        {
            Console.Error.WriteLine($"scanjail: no such log file: {logPath}");
            return ExitCodes.NoInput;
        }
        return Report(logPath, path, filter, json);
    }

    /// <summary><c>fail2ban:NAME[key=value]</c> or <c>/path/NAME.conf[...]</c>: a fail2ban filter file, read as fail2ban reads it.</summary>
    private static int RunFail2Ban(string logPath, string filterRef, bool json)
    {
        if (!Fail2BanReference.TryParse(filterRef, out var reference, out var problem))
        {
            Console.Error.WriteLine($"scanjail: {problem}");
            return ExitCodes.Config;
        }
        var path = reference!.PathIn(Environment.GetEnvironmentVariable("SCANJAIL_FAIL2BAN_FILTERDIR") is { Length: > 0 } dir ? dir : Fail2BanFilterLoader.DefaultFilterDir);
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"scanjail: no fail2ban filter file {path}");
            return ExitCodes.NoInput;
        }
        var filter = Fail2BanFilterLoader.Load(path, reference.Parameters, TimeZoneInfo.Local, FilterFactory.DefaultRegexTimeout, out var problems);
        if (filter is null)
        {
            foreach (var line in problems)
            {
                Console.Error.WriteLine(line);
            }
            return ExitCodes.Config;
        }
        if (!File.Exists(logPath))
        {
            Console.Error.WriteLine($"scanjail: no such log file: {logPath}");
            return ExitCodes.NoInput;
        }
        return Report(logPath, path, filter, json);
    }

    private static int Report(string logPath, string path, IFilter filter, bool json)
    {
        var report = FilterRun.Over(logPath, filter, TimeProvider.System.GetUtcNow(), everyMatch: json);
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                lines = report.Lines,
                matched = report.Matched,
                ignored = report.Ignored,
                missed = report.Missed,
                matches = report.Matches.Select(m => new { line = m.Line, host = m.Host, time = Iso(m.Time) }),
            }));
            return ExitCodes.Ok;
        }
        PrintText(report, logPath, path);
        return ExitCodes.Ok;
    }

    private static void PrintText(FilterRun report, string logPath, string filterPath)
    {
        var o = Console.Out;
        o.WriteLine($"Running tests\n=============\n\nUse   failregex file : {filterPath}\nUse         log file : {logPath}\n");
        o.WriteLine($"Lines: {report.Lines} lines, {report.Ignored} ignored, {report.Matched} matched, {report.Missed} missed");
        var hosts = report.HostCounts.OrderByDescending(h => h.Value).ThenBy(h => h.Key, StringComparer.Ordinal).ToList();
        o.WriteLine($"\nHosts: {hosts.Count} distinct");
        foreach (var host in hosts.Take(20))
        {
            o.WriteLine($"  {host.Key,-40} {host.Value}");
        }
        if (hosts.Count > 20)
        {
            o.WriteLine($"  ... and {hosts.Count - 20} more");
        }
        o.WriteLine($"\nMatched lines (first {SampleLines}):");
        foreach (var m in report.Matches.Take(SampleLines))
        {
            o.WriteLine($"  {m.Line}: {m.Host} at {Iso(m.Time)}: {Truncate(m.Text)}");
        }
        o.WriteLine($"\nMissed lines (first {SampleLines}):");
        foreach (var (line, text) in report.MissedSamples)
        {
            o.WriteLine($"  {line}: {Truncate(text)}");
        }
    }

    /// <summary>A path to a filter file as given, or a name looked up where a jail's filter name would be.</summary>
    private static string? FindFilter(string reference, string configDir)
    {
        if (reference.Contains('/', StringComparison.Ordinal) || reference.EndsWith(".yaml", StringComparison.Ordinal))
        {
            return File.Exists(reference) ? reference : null;
        }
        return new[] { configDir }.Concat(ConfigDirectory.DefaultShippedDirs())
            .Select(dir => Path.Combine(dir, "filters", reference + ".yaml"))
            .FirstOrDefault(File.Exists);
    }

    private static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private static string Truncate(string text) => text.Length <= 160 ? text : text[..157] + "...";
}
