namespace ScanJail.Core.Actions;

/// <summary>
/// Finds the argv elements that a shell will read as code. A tag from log text in such an element
/// would let an attacker write shell code; the loader refuses it and asks for a separate argument.
/// </summary>
internal static class ShellCode
{
    private static readonly HashSet<string> Shells =
        new(["sh", "bash", "dash", "zsh", "ksh", "mksh", "pdksh", "ash", "yash", "posh"], StringComparer.Ordinal);

    /// <summary>
    /// Indexes of the elements that choose or contain code: the program itself (and, through
    /// <c>env ...</c> and <c>busybox</c>, everything up to the real program); and for a shell, its options
    /// (an option's own argument, such as the <c>pipefail</c> of <c>-o pipefail</c>, included) and its first
    /// operand, which is the script of <c>-c</c> or else the path of a script file. Elements after that are
    /// the script's positional arguments (<c>$0</c>, <c>$1</c>, ...): data.
    /// </summary>
    public static IReadOnlyList<int> CodeElements(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0)
        {
            return [];
        }
        var at = 0;
        // env [-i] [-u NAME] [NAME=VALUE]... COMMAND: the command is what runs.
        if (Path.GetFileName(argv[at]) == "env")
        {
            at++;
            while (at < argv.Count && (argv[at].StartsWith('-') || argv[at].Contains('=', StringComparison.Ordinal)))
            {
                at += argv[at] is "-u" or "--unset" ? 2 : 1;
            }
        }
        if (at < argv.Count && Path.GetFileName(argv[at]) == "busybox")
        {
            at++;
        }
        var code = new List<int>();
        for (var k = 0; k <= at && k < argv.Count; k++)
        {
            code.Add(k);
        }
        if (at >= argv.Count || !Shells.Contains(Path.GetFileName(argv[at])))
        {
            return code;
        }
        var i = at + 1;
        for (; i < argv.Count; i++)
        {
            var arg = argv[i];
            if (arg == "--")
            {
                code.Add(i);
                i++;
                break;
            }
            if (arg.Length < 2 || (arg[0] != '-' && arg[0] != '+'))
            {
                break;
            }
            code.Add(i);
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }
            // -o NAME and -O NAME take the next element as their argument.
            var letters = arg.AsSpan(1);
            if ((letters.Contains('o') || letters.Contains('O')) && i + 1 < argv.Count)
            {
                code.Add(++i);
            }
        }
        if (i < argv.Count)
        {
            code.Add(i);
        }
        return code;
    }
}
