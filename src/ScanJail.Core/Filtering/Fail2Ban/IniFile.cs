namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// A fail2ban <c>.conf</c>/<c>.local</c> file read the way Python's ConfigParser reads it: <c>[section]</c>
/// headers, <c>key = value</c> or <c>key: value</c>, continuation lines indented under their key
/// (a multi-line failregex), whole-line comments with <c>#</c> or <c>;</c>, and inline comments with
/// whitespace then <c>;</c>. Keys keep their case (fail2ban's keys are case-sensitive).
/// </summary>
public sealed class IniFile
{
    private IniFile(string path, List<(string Name, Dictionary<string, IniValue> Options)> sections)
    {
        Path = path;
        Sections = sections;
    }

    public string Path { get; }

    /// <summary>Sections in file order; a section written twice is merged into its first place.</summary>
    public IReadOnlyList<(string Name, Dictionary<string, IniValue> Options)> Sections { get; }

    /// <summary>Reads <paramref name="path"/>; a line that is neither a header, an option nor a continuation is a problem.</summary>
    public static IniFile Read(string path, out List<string> problems)
    {
        problems = [];
        var sections = new List<(string Name, Dictionary<string, IniValue> Options)>();
        Dictionary<string, IniValue>? current = null;
        string? lastKey = null;
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i];
            var number = i + 1;
            var trimmed = raw.Trim();
            if (trimmed.Length == 0)
            {
                // ConfigParser keeps empty lines inside a value; they only separate regexes, so drop them.
                continue;
            }
            if (trimmed[0] is '#' or ';')
            {
                continue;
            }
            var text = StripInlineComment(raw);
            if (char.IsWhiteSpace(raw[0]) && current is not null && lastKey is not null)
            {
                var previous = current[lastKey];
                current[lastKey] = previous with { Text = previous.Text + "\n" + text.Trim() };
                continue;
            }
            if (trimmed[0] == '[' && trimmed.EndsWith(']'))
            {
                var name = trimmed[1..^1].Trim();
                var index = sections.FindIndex(s => s.Name == name);
                if (index < 0)
                {
                    sections.Add((name, new Dictionary<string, IniValue>(StringComparer.Ordinal)));
                    index = sections.Count - 1;
                }
                current = sections[index].Options;
                lastKey = null;
                continue;
            }
            var split = SplitAt(text);
            if (split < 0 || current is null)
            {
                problems.Add($"{path}:{number}: expected [section], 'key = value' or an indented continuation, found '{trimmed}'");
                continue;
            }
            lastKey = text[..split].Trim();
            current[lastKey] = new IniValue(text[(split + 1)..].Trim(), path, number);
        }
        return new IniFile(path, sections);
    }

    private static int SplitAt(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (equals < 0)
        {
            return colon;
        }
        return colon < 0 ? equals : Math.Min(equals, colon);
    }

    private static string StripInlineComment(string line)
    {
        for (var i = 1; i < line.Length; i++)
        {
            if (line[i] == ';' && char.IsWhiteSpace(line[i - 1]))
            {
                return line[..i];
            }
        }
        return line;
    }
}
