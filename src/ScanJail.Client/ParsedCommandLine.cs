namespace ScanJail.Client;

/// <summary>
/// The command line as the words said it: the command, its arguments and options by name, and the options every
/// command takes. <see cref="Errors"/> lists what did not fit the command's syntax.
/// </summary>
public sealed class ParsedCommandLine
{
    public CommandSyntax? Command { get; set; }
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Flags { get; } = new(StringComparer.Ordinal);
    public string? Socket { get; set; }
    public bool Json { get; set; }
    public bool Help { get; set; }
    public bool Version { get; set; }
    public List<string> Errors { get; } = [];

    /// <summary>An argument's or an option's value, or null when the line did not give it.</summary>
    public string? Value(string name) => Values.GetValueOrDefault(name);
}
