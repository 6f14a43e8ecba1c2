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
// No ProcessTerminationTimeout: System.CommandLine's own SIGTERM/SIGINT handler ends the process with 143 (130) when
// the command has not returned 2 s after the signal, and `run` handles both signals itself: its clean stop (the
// last checkpoint, every action's stop) may take longer, and then exits 0 (EndToEnd/SlowStopTests).
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
