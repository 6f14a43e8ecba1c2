namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// fail2ban's layered INI files, as its filter files and its jail files both use them: each file's
/// <c>[INCLUDES]</c> <c>before</c> files are read before it and <c>after</c> files after it, and every
/// section's options are merged in reading order (each key keeps all its values, the last one wins).
/// An included <c>.local</c> file is optional; any other missing file is a problem.
/// </summary>
internal sealed class IniLayers(List<string> problems)
{
    private const int MaxIncludeDepth = 10;

    public Dictionary<string, Dictionary<string, List<IniValue>>> Sections { get; } = new(StringComparer.Ordinal);

    /// <summary>Section names in the order they first appear.</summary>
    public List<string> SectionOrder { get; } = [];

    /// <summary>The files read, in order.</summary>
    public List<string> Files { get; } = [];

    public void Read(string path, bool required = true, int depth = 0)
    {
        if (depth > MaxIncludeDepth)
        {
            problems.Add($"{path}: includes nest too deep (a loop?)");
            return;
        }
        if (!File.Exists(path))
        {
            if (required)
            {
                problems.Add($"{path}: no such file");
            }
            return;
        }
        var ini = IniFile.Read(path, out var found);
        problems.AddRange(found);
        var includes = ini.Sections.FirstOrDefault(s => s.Name == "INCLUDES").Options;
        var dir = Path.GetDirectoryName(path) ?? ".";
        foreach (var before in Includes(includes, "before", dir))
        {
            Read(before, !before.EndsWith(".local", StringComparison.Ordinal), depth + 1);
        }
        Files.Add(path);
        foreach (var (name, options) in ini.Sections.Where(s => s.Name != "INCLUDES"))
        {
            if (!Sections.TryGetValue(name, out var section))
            {
                Sections[name] = section = new Dictionary<string, List<IniValue>>(StringComparer.Ordinal);
                SectionOrder.Add(name);
            }
            foreach (var (key, value) in options)
            {
                if (!section.TryGetValue(key, out var list))
                {
                    section[key] = list = [];
                }
                list.Add(value);
            }
        }
        foreach (var after in Includes(includes, "after", dir))
        {
            Read(after, !after.EndsWith(".local", StringComparison.Ordinal), depth + 1);
        }
    }

    private static IEnumerable<string> Includes(Dictionary<string, IniValue>? includes, string key, string dir) =>
        includes is not null && includes.TryGetValue(key, out var value)
            ? value.Text.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .Select(f => Path.IsPathRooted(f) ? f : Path.Combine(dir, f))
            : [];
}
