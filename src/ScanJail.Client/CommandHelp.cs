using System.Text;

namespace ScanJail.Client;

/// <summary>The help text of the client, or of one of its commands, made from the same syntax the parser reads.</summary>
public static class CommandHelp
{
    public const string Program = "scanjail-client";

    /// <summary>The help of <paramref name="command"/>, or of the whole client when it is null.</summary>
    public static string Text(string description, IReadOnlyList<CommandSyntax> commands, IReadOnlyList<OptionSyntax> common, CommandSyntax? command)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(common);
        var text = new StringBuilder();
        text.Append("Description:\n  ").Append(command?.Description ?? description).Append("\n\n");
        text.Append("Usage:\n  ").Append(Program).Append(' ');
        text.Append(command is null ? "[options] <command> [arguments]" : $"{Signature(command)} [options]").Append("\n\n");
        if (command is { Arguments.Count: > 0 })
        {
            Section(text, "Arguments", command.Arguments.Select(argument => ($"<{argument.Name}>", argument.Description)));
        }
        var options = (command?.Options ?? []).Concat(common)
            .Select(option => (option.ValueName is null ? option.Name : $"{option.Name} <{option.ValueName}>", option.Description))
            .Append(("-?, -h, --help", "Show help and usage information"));
        if (command is null)
        {
            options = options.Append(("--version", "Show version information"));
        }
        Section(text, "Options", options);
        if (command is null)
        {
            Section(text, "Commands", commands.Select(each => (Signature(each), each.Description)));
        }
        return text.ToString();
    }

    private static string Signature(CommandSyntax command) =>
        string.Join(' ', command.Arguments.Select(argument => argument.Required ? $"<{argument.Name}>" : $"[<{argument.Name}>]").Prepend(command.Name));

    private static void Section(StringBuilder text, string title, IEnumerable<(string Term, string Description)> rows)
    {
        var list = rows.ToList();
        var width = list.Max(row => row.Term.Length) + 2;
        text.Append(title).Append(":\n");
        foreach (var (term, description) in list)
        {
            text.Append("  ").Append(term.PadRight(width)).Append(description).Append('\n');
        }
        text.Append('\n');
    }
}
