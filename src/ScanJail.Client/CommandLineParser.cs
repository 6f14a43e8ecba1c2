namespace ScanJail.Client;

/// <summary>
/// Reads <c>[--socket PATH] [--json] COMMAND [ARGS] [OPTIONS]</c>: options anywhere (<c>--name value</c> or
/// <c>--name=value</c>), <c>--</c> ends them, <c>-h</c>/<c>--help</c> and <c>--version</c> as people expect.
/// Written out rather than taken from a library: the client starts for every command, and building a command-line
/// library's model cost it 20 ms of CPU, more than the whole request to the engine.
/// </summary>
public static class CommandLineParser
{
    public const string SocketOption = "--socket";
    public const string JsonOption = "--json";

    private static readonly string[] HelpWords = ["-h", "--help", "-?"];

    public static ParsedCommandLine Parse(IReadOnlyList<string> args, IReadOnlyList<CommandSyntax> commands)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(commands);
        var parsed = new ParsedCommandLine();
        var positional = new List<string>();
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var word = args[i];
            if (optionsEnded || !word.StartsWith('-') || word == "-")
            {
                if (parsed.Command is null && positional.Count == 0)
                {
                    parsed.Command = Named(commands, word, command => command.Name);
                    if (parsed.Command is null)
                    {
                        parsed.Errors.Add($"Unrecognized command or argument '{word}'.");
                    }
                    continue;
                }
                positional.Add(word);
                continue;
            }
            if (word == "--")
            {
                optionsEnded = true;
                continue;
            }
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? word[..equals] : word;
            string? inline = equals > 0 ? word[(equals + 1)..] : null;
            if (Array.IndexOf(HelpWords, name) >= 0)
            {
                parsed.Help = true;
            }
            else if (name == "--version" && parsed.Command is null)
            {
                parsed.Version = true;
            }
            else if (name == JsonOption && inline is null)
            {
                parsed.Json = true;
            }
            else if (name == SocketOption)
            {
                parsed.Socket = OptionValue(args, ref i, name, inline, parsed);
            }
            else if (parsed.Command is { } current && Named(current.Options, name, option => option.Name) is { } option)
            {
                if (option.ValueName is null)
                {
                    if (inline is not null)
                    {
                        parsed.Errors.Add($"Option '{name}' takes no value.");
                    }
                    parsed.Flags.Add(name);
                }
                else if (OptionValue(args, ref i, name, inline, parsed) is { } value)
                {
                    parsed.Values[name] = value;
                }
            }
            else
            {
                parsed.Errors.Add($"Unrecognized command or argument '{word}'.");
            }
        }
        Place(positional, parsed);
        return parsed;
    }

    // A loop, not LINQ: the client's every start parses a line, and loading LINQ for it cost milliseconds.
    private static T? Named<T>(IReadOnlyList<T> items, string name, Func<T, string> nameOf)
        where T : class
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (nameOf(items[i]) == name)
            {
                return items[i];
            }
        }
        return null;
    }

    private static string? OptionValue(IReadOnlyList<string> args, ref int i, string name, string? inline, ParsedCommandLine parsed)
    {
        if (inline is not null)
        {
            return inline;
        }
        if (i + 1 < args.Count && !args[i + 1].StartsWith('-'))
        {
            return args[++i];
        }
        parsed.Errors.Add($"Required argument missing for option: '{name}'.");
        return null;
    }

    // The positional words fill the command's arguments in order; too many or too few is an error.
    private static void Place(List<string> positional, ParsedCommandLine parsed)
    {
        if (parsed.Command is not { } command)
        {
            if (!parsed.Help && !parsed.Version && parsed.Errors.Count == 0)
            {
                parsed.Errors.Add("Required command was not provided.");
            }
            return;
        }
        for (var i = 0; i < positional.Count; i++)
        {
            if (i < command.Arguments.Count)
            {
                parsed.Values[command.Arguments[i].Name] = positional[i];
            }
            else
            {
                parsed.Errors.Add($"Unrecognized command or argument '{positional[i]}'.");
            }
        }
        if (!parsed.Help)
        {
            for (var i = positional.Count; i < command.Arguments.Count; i++)
            {
                if (command.Arguments[i].Required)
                {
                    parsed.Errors.Add($"Required argument missing for command '{command.Name}': {command.Arguments[i].Name}.");
                }
            }
        }
    }
}
