using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Reads a jail's <c>source:</c>: a path, a list of paths, or <c>{ file: PATH, from: start|end, maxline: N }</c>
/// (list items may be such mappings too). Relative paths are relative to the configuration directory;
/// globs (<c>*</c>, <c>?</c>, <c>[...]</c>) stay patterns for the file source to expand.
/// <c>stdin</c>, <c>{ syslog: ... }</c> and <c>{ journald: ... }</c> are read by <see cref="IntakeSourceReader"/>
/// (a file named stdin is written <c>./stdin</c>).
/// </summary>
internal static class SourceReader
{
    public const int MinLineLength = 256;
    public const int MaxLineLength = 1_048_576;

    private const string Example = "such as /var/log/auth.log, a list of paths, or { file: /var/log/auth.log }";

    public static Setting<IReadOnlyList<SourceConfig>>? Read(MappingReader map, string key, string directory)
    {
        var node = map.Get(key);
        if (node is null)
        {
            return null;
        }
        var field = map.FieldName(key);
        var sources = new List<SourceConfig>();
        switch (node)
        {
            case YamlSequenceNode { Children.Count: 0 }:
                map.Error(node, key, $"the source list is empty; give at least one log file, {Example}");
                return null;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    AddItem(map, seq.Children[i], $"{field}[{i}]", directory, sources);
                }
                break;
            default:
                AddItem(map, node, field, directory, sources);
                break;
        }
        return sources.Count == 0 ? null : new Setting<IReadOnlyList<SourceConfig>>(sources, map.File, node);
    }

    private static void AddItem(MappingReader map, YamlNode node, string field, string directory, List<SourceConfig> into)
    {
        switch (node)
        {
            case YamlScalarNode { Value: IntakeSourceReader.Stdin }:
                into.Add(new StdinSourceConfig());
                break;
            case YamlScalarNode scalar:
                if (PathOf(map, scalar, field, directory) is { } path)
                {
                    into.Add(new FileSourceConfig(path));
                }
                break;
            case YamlMappingNode mapping:
                var reader = new MappingReader(mapping, map.File, map.Jail, field, map.Errors);
                if (IntakeSourceReader.TryRead(reader, directory, out var other))
                {
                    if (other is not null)
                    {
                        into.Add(other);
                    }
                }
                else if (ReadFile(reader, directory) is { } file)
                {
                    into.Add(file);
                }
                break;
            default:
                map.Errors.Add(map.File, node, map.Jail, field, $"expected a log file path or {{ file: PATH }}, found a nested list");
                break;
        }
    }

    private static FileSourceConfig? ReadFile(MappingReader map, string directory)
    {
        var fileNode = map.Get("file");
        var from = map.Scalar("from");
        var maxLine = map.Number("maxline", MinLineLength, MaxLineLength);
        var fromStart = false;
        if (from is not null)
        {
            fromStart = from == "start";
            if (from is not ("start" or "end"))
            {
                map.Error(map.Get("from"), "from", $"expected start or end (where to begin reading a file seen for the first time), found '{from}'");
            }
        }
        var unknown = map.Node.Children.Keys.Any(k => (k as YamlScalarNode)?.Value is not ("file" or "from" or "maxline"));
        map.ReportUnknownKeys();
        string? path = null;
        switch (fileNode)
        {
            // Another kind of source (syslog: ...) is already reported as an unknown key; one error is enough.
            case null when !unknown:
                map.Error(map.Node, "file", "a file source needs file: PATH, for example { file: /var/log/auth.log }");
                break;
            case YamlScalarNode scalar:
                path = PathOf(map, scalar, map.FieldName("file"), directory);
                break;
            case not null:
                map.Error(fileNode, "file", "expected one path; for several files give source a list");
                break;
        }
        return path is null ? null : new FileSourceConfig(path, fromStart, maxLine ?? 8192);
    }

    private static string? PathOf(MappingReader map, YamlScalarNode scalar, string field, string directory)
    {
        var text = scalar.Value?.Trim() ?? "";
        if (text.Length == 0)
        {
            map.Errors.Add(map.File, scalar, map.Jail, field, $"the source is empty; give a log file path, {Example}");
            return null;
        }
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            map.Errors.Add(map.File, scalar, map.Jail, field, "the path contains a NUL character; give a plain file path");
            return null;
        }
        return Path.GetFullPath(text, directory);
    }
}
