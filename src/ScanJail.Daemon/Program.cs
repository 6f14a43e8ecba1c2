using System.CommandLine;
using ScanJail.Daemon;
using ScanJail.Daemon.Commands;

var root = new RootCommand("scanjail: bans hosts that attack this server, from its logs")
{
    RunCommand.Create(),
    CheckCommand.Create(),
    RegexCommand.Create(),
    ImportFail2BanCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"scanjail: {error.Message}");
    }
    Console.Error.WriteLine("Try 'scanjail --help'.");
    return ExitCodes.Usage;
}
return await parse.InvokeAsync();
