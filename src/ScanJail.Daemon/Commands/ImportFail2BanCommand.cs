using System.CommandLine;
using ScanJail.Core.Configuration;
using ScanJail.Core.Configuration.Fail2BanImport;

namespace ScanJail.Daemon.Commands;

/// <summary>
/// <c>scanjail import-fail2ban [DIR] [-o FILE]</c>: reads fail2ban's jail files and writes an equivalent
/// jail.yaml to stdout or FILE; what it could not translate goes to stderr (and into the file as comments).
/// </summary>
internal static class ImportFail2BanCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR")
        {
            Description = "fail2ban's configuration directory (jail.conf, jail.local, jail.d/)",
            DefaultValueFactory = _ => "/etc/fail2ban",
        };
        var output = new Option<string?>("--output", "-o") { Description = "Write jail.yaml to FILE instead of stdout", HelpName = "FILE" };
        var command = new Command("import-fail2ban", "Write a jail.yaml equivalent to a fail2ban configuration") { dir, output };
        command.SetAction(parse => Run(parse.GetValue(dir)!, parse.GetValue(output)));
        return command;
    }

    private static int Run(string dir, string? output)
    {
        if (!File.Exists(Path.Combine(dir, "jail.conf")) && !File.Exists(Path.Combine(dir, "jail.local")))
        {
            Console.Error.WriteLine($"scanjail: no jail.conf or jail.local in {dir}");
            return ExitCodes.NoInput;
        }
        var result = JailImporter.Import(dir, ConfigDirectory.DefaultShippedDirs());
        try
        {
            if (output is null)
            {
                Console.Out.Write(result.Yaml);
            }
            else
            {
                File.WriteAllText(output, result.Yaml);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"scanjail: cannot write {output}: {e.Message}");
            return ExitCodes.CannotCreate;
        }
        foreach (var item in result.Untranslated)
        {
            Console.Error.WriteLine($"not translated: {item}");
        }
        Console.Error.WriteLine($"{result.Jails.Count} enabled jail(s) imported, {result.Untranslated.Count} item(s) not translated.");
        return ExitCodes.Ok;
    }
}
