using System.CommandLine;
using ScanJail.Core.Configuration;
using ScanJail.Listener;
using ScanJail.Listener.Configuration;

var config = new Option<string>("--config", "-c")
{
    Description = "The configuration file",
    DefaultValueFactory = _ => "/etc/scanjail/listener.yaml",
    HelpName = "FILE",
};
var check = new Option<bool>("--check") { Description = "Validate the configuration, list every error, and exit" };
var echo = new Option<bool>("--echo") { Description = "Also print every syslog line on standard output" };
var root = new RootCommand("scanjail-listener: the port-scan sensor; writes one attackalert line per detection to syslog")
{
    config, check, echo,
};
root.SetAction(async (parse, token) =>
{
    var path = parse.GetValue(config)!;
    var errors = new ConfigErrors();
    var loaded = ListenerConfigLoader.Load(path, errors);
    if (loaded is null)
    {
        foreach (var error in errors.Sorted())
        {
            await Console.Error.WriteLineAsync(error.ToString()).ConfigureAwait(false);
        }
        await Console.Error.WriteLineAsync($"scanjail-listener: {errors.Items.Count} error(s) in {path}; nothing started").ConfigureAwait(false);
        return ExitCodes.Config;
    }
    if (parse.GetValue(check))
    {
        await Console.Out.WriteLineAsync($"OK: {string.Join(", ", loaded.Modes.Select(m => m.Mode.Name()))} to {loaded.Syslog.Target}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
    return await ListenerService.RunAsync(loaded, parse.GetValue(echo), TimeProvider.System, token).ConfigureAwait(false);
});
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"scanjail-listener: {error.Message}");
    }
    return ExitCodes.Usage;
}
// No ProcessTerminationTimeout: System.CommandLine's own signal handler would end the process with 143 (130) when the
// run has not returned 2 s after SIGTERM (SIGINT); ListenerService handles both itself and stops cleanly, however long it takes.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
