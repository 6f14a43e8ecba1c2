using System.CommandLine;

namespace ScanJail.Daemon.Commands;

/// <summary><c>scanjail check -c DIR</c>: validate the configuration, list every error, exit 78 on any.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var config = Options.ConfigDir();
        var command = new Command("check", "Validate the configuration and list every error") { config };
        command.SetAction(parse =>
        {
            var result = ConfigReader.Load(parse.GetValue(config)!);
            if (result.Config is null)
            {
                ConfigReader.PrintErrors(result, Console.Error);
                return ExitCodes.Config;
            }
            var enabled = result.Config.EnabledJails.Select(j => j.Name).ToList();
            Console.Out.WriteLine($"OK: {result.Config.Jails.Count} jail(s), {enabled.Count} enabled: {string.Join(", ", enabled)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
